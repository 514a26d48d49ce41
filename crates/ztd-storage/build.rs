// `sqlx::migrate!` embeds the migration files at compile time: rebuild when one changes, even
// when no Rust source did.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
