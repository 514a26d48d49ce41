//! Use cases of accounts: being moved here from the adapters (issue 9).
