//! Readiness of the service's one dependency, the database.

use super::access::Gate;
use super::Error;

/// The database backend's name (`sqlite` or `postgres`) once it answered a ping.
pub async fn readiness(gate: &Gate) -> Result<&'static str, Error> {
    gate.db().ping().await?;
    Ok(gate.db().backend())
}
