//! Use cases of consent: being moved here from the adapters (issue 9).
