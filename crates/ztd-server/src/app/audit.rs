//! Use cases of audit: being moved here from the adapters (issue 9).
