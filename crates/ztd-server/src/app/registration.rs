//! Use cases of registration: being moved here from the adapters (issue 9).
