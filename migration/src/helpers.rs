//! Column, key and index builders shared by the migrations, so each table
//! definition reads as its columns and constraints.

use sea_orm_migration::{prelude::*, schema::*};

/// A TEXT column restricted to the given values.
pub fn enum_text<T: IntoIden + Clone + 'static>(col: T, values: &[&str]) -> ColumnDef {
    text(col.clone())
        .check(Expr::col(col).is_in(values.iter().copied()))
        .to_owned()
}

/// A foreign key from `table.col` to `to.id`.
pub fn fk<T: IntoIden + Clone + 'static, C: IntoIden + 'static, R: IntoIden + 'static>(
    table: T,
    col: C,
    to: R,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(to, Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

/// An index named after its table and columns.
pub fn index<T: IntoIden + Clone + 'static>(
    table: T,
    name: &str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(Alias::new(*c));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}
