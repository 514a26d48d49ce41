//! Use cases of lookup: being moved here from the adapters (issue 9).
