//! The row copy of `ztd admin copy-database` (`crate::copy`), written once and compiled for
//! each backend like the rest of `src/sql/`: read a table's rows by key in chunks, write them
//! with multi-row `INSERT`s, every value through one backend-neutral [`Value`]. What differs
//! per backend is small and named here: PostgreSQL compares text keys in byte order
//! (`COLLATE "C"`, SQLite's own order), locks tables to hold writers off, and needs
//! `OVERRIDING SYSTEM VALUE` and a sequence reset for its identity columns.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::query_builder::Separated;
use sqlx::types::Json;
use sqlx::{Pool, QueryBuilder, Row as _, Transaction};
use uuid::Uuid;

use super::{Db, Store};
use crate::copy::{Kind, Row, Table, Value};
use crate::sql::Backend;
use crate::Result;

fn postgres() -> bool {
    Store::NAME == "postgres"
}

/// `(table, column)` of every table (not SQLite's own `sqlite_…` tables).
pub(crate) async fn schema(pool: &Pool<Db>) -> Result<Vec<(String, String)>> {
    let sql = if postgres() {
        "SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c \
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
         ORDER BY c.table_name, c.ordinal_position"
    } else {
        "SELECT m.name, p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid"
    };
    Ok(sqlx::query_as::<_, (String, String)>(sql).fetch_all(pool).await?)
}

pub(crate) async fn count<'e, E>(executor: E, table: &Table) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    Ok(sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {}", table.name))
        .fetch_one(executor)
        .await?)
}

/// A read transaction over one snapshot. With `hold_writers`: SQLite takes the write lock
/// (`BEGIN IMMEDIATE`; readers go on in WAL mode, writers wait their busy timeout and fail as
/// unavailable); PostgreSQL locks the tables `IN SHARE MODE` (readers and `FOR SHARE` go on,
/// writers wait) before its `REPEATABLE READ` snapshot is taken.
pub(crate) async fn begin_snapshot(
    pool: &Pool<Db>,
    hold_writers: bool,
    tables: &[&str],
) -> Result<Transaction<'static, Db>> {
    if !postgres() {
        return Ok(pool.begin_with(if hold_writers { "BEGIN IMMEDIATE" } else { "BEGIN" }).await?);
    }
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await?;
    if hold_writers {
        sqlx::query(&format!("LOCK TABLE {} IN SHARE MODE", tables.join(", "))).execute(&mut *tx).await?;
    }
    Ok(tx)
}

/// A key column as it compares: text in byte order on both backends.
fn key_expression(table: &Table, column: &str) -> String {
    if postgres() && table.kind_of(column) == Kind::Text {
        format!("{column} COLLATE \"C\"")
    } else {
        column.to_owned()
    }
}

/// The next at most `table.chunk_rows()` rows after the key of `after`, in key order.
pub(crate) async fn read_chunk(
    tx: &mut Transaction<'static, Db>,
    table: &Table,
    after: Option<&Row>,
) -> Result<Vec<Row>> {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|(name, kind)| match kind {
            // `integer` columns read as 64-bit on both sides.
            Kind::Int => format!("CAST({name} AS BIGINT)"),
            _ => (*name).to_owned(),
        })
        .collect();
    let keys: Vec<String> = table.key.iter().map(|key| key_expression(table, key)).collect();
    let mut select = QueryBuilder::<Db>::new(format!("SELECT {} FROM {}", columns.join(", "), table.name));
    if let Some(last) = after {
        let (open, close) = if keys.len() > 1 { ("(", ")") } else { ("", "") };
        select.push(format!(" WHERE {open}{}{close} > {open}", keys.join(", ")));
        let mut values = select.separated(", ");
        for position in table.key_positions() {
            bind(&mut values, table.columns[position].1, &last[position]);
        }
        select.push(close);
    }
    select.push(format!(" ORDER BY {} LIMIT {}", keys.join(", "), table.chunk_rows()));
    let rows = select.build().fetch_all(&mut **tx).await?;
    let mut chunk = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut values = Vec::with_capacity(table.columns.len());
        for (i, (_, kind)) in table.columns.iter().enumerate() {
            values.push(decode(row, i, *kind)?);
        }
        chunk.push(values);
    }
    Ok(chunk)
}

fn decode(
    row: &<Db as sqlx::Database>::Row,
    i: usize,
    kind: Kind,
) -> std::result::Result<Value, sqlx::Error> {
    Ok(match kind {
        Kind::Uuid => row.try_get::<Option<Uuid>, _>(i)?.map_or(Value::Null, Value::Uuid),
        Kind::Text => row.try_get::<Option<String>, _>(i)?.map_or(Value::Null, Value::Text),
        Kind::Int => row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::Int),
        Kind::Bool => row.try_get::<Option<bool>, _>(i)?.map_or(Value::Null, Value::Bool),
        Kind::Time => row.try_get::<Option<DateTime<Utc>>, _>(i)?.map_or(Value::Null, Value::Time),
        Kind::Date => row.try_get::<Option<NaiveDate>, _>(i)?.map_or(Value::Null, Value::Date),
        Kind::Json => row
            .try_get::<Option<Json<serde_json::Value>>, _>(i)?
            .map_or(Value::Null, |json| Value::Json(json.0)),
    })
}

/// Binds one value as its column's type (a NULL too: PostgreSQL wants it typed).
fn bind<'args>(values: &mut Separated<'_, 'args, Db, &'static str>, kind: Kind, value: &'args Value) {
    match (kind, value) {
        (_, Value::Uuid(id)) => values.push_bind(*id),
        (_, Value::Text(text)) => values.push_bind(text.as_str()),
        (_, Value::Int(number)) => values.push_bind(*number),
        (_, Value::Bool(flag)) => values.push_bind(*flag),
        (_, Value::Time(at)) => values.push_bind(*at),
        (_, Value::Date(day)) => values.push_bind(*day),
        (_, Value::Json(json)) => values.push_bind(Json(json)),
        (Kind::Uuid, Value::Null) => values.push_bind(None::<Uuid>),
        (Kind::Text, Value::Null) => values.push_bind(None::<&str>),
        (Kind::Int, Value::Null) => values.push_bind(None::<i64>),
        (Kind::Bool, Value::Null) => values.push_bind(None::<bool>),
        (Kind::Time, Value::Null) => values.push_bind(None::<DateTime<Utc>>),
        (Kind::Date, Value::Null) => values.push_bind(None::<NaiveDate>),
        (Kind::Json, Value::Null) => values.push_bind(None::<Json<serde_json::Value>>),
    };
}

/// One multi-row `INSERT` of `rows` (at most `table.chunk_rows()`), every column as it was.
pub(crate) async fn insert_chunk(
    tx: &mut Transaction<'static, Db>,
    table: &Table,
    rows: &[Row],
) -> Result<()> {
    let columns: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    let overriding = if postgres() && table.identity.is_some() { " OVERRIDING SYSTEM VALUE" } else { "" };
    let mut insert =
        QueryBuilder::<Db>::new(format!("INSERT INTO {} ({}){overriding} ", table.name, columns.join(", ")));
    insert.push_values(rows, |mut values, row| {
        for ((_, kind), value) in table.columns.iter().zip(row) {
            bind(&mut values, *kind, value);
        }
    });
    insert.build().execute(&mut **tx).await?;
    Ok(())
}

/// Moves the identity column's sequence past the largest value copied (PostgreSQL; nothing to
/// do on SQLite).
pub(crate) async fn reset_identity(
    tx: &mut Transaction<'static, Db>,
    table: &str,
    column: &str,
) -> Result<()> {
    if postgres() {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
             COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
        ))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
