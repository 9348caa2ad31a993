//! Relay connections (`edges { cursor node }`, `nodes`, `pageInfo`), with
//! descriptions on every type and field.

use async_graphql::SimpleObject;

/// Where a page ends, and whether another follows.
#[derive(SimpleObject, Clone)]
pub struct PageInfo {
    /// Whether a page follows this one.
    pub has_next_page: bool,
    /// Always false: pages are walked forwards.
    pub has_previous_page: bool,
    /// The cursor of the first item.
    pub start_cursor: Option<String>,
    /// The cursor of the last item: pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// Stamps out a Relay connection and edge type for one node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A ", $what, " and its cursor.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Opaque position of this item; valid as `after` (and as REST's `cursor`).
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        #[doc = concat!("A page of ", $what, "s (Relay connection).")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $connection {
            /// The items with their cursors.
            pub edges: Vec<$edge>,
            /// The items alone.
            pub nodes: Vec<$node>,
            /// Where this page ends.
            pub page_info: $crate::graphql::connection::PageInfo,
        }

        impl $connection {
            /// Builds the connection of a page; `cursor_of` gives each item's cursor.
            pub fn from_page<D>(
                page: $crate::domain::Page<D>,
                cursor_of: impl Fn(&D) -> String,
                wrap: impl Fn(D) -> $node,
            ) -> Self {
                let has_next_page = page.next_cursor.is_some();
                let edges: Vec<$edge> =
                    page.items.into_iter().map(|item| $edge { cursor: cursor_of(&item), node: wrap(item) }).collect();
                let page_info = $crate::graphql::connection::PageInfo {
                    has_next_page,
                    has_previous_page: false,
                    start_cursor: edges.first().map(|e| e.cursor.clone()),
                    end_cursor: edges.last().map(|e| e.cursor.clone()),
                };
                let nodes = edges.iter().map(|e| e.node.clone()).collect();
                Self { edges, nodes, page_info }
            }
        }
    };
}

pub(super) use connection;
