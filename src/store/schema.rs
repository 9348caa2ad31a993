//! Diesel table definitions, shared by the SQLite and PostgreSQL migrations.

diesel::table! {
    authors (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        bio -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sections (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
    }
}

diesel::table! {
    tags (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
    }
}

diesel::table! {
    articles (id) {
        id -> BigInt,
        slug -> Text,
        headline -> Text,
        summary -> Nullable<Text>,
        body -> Text,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        sort_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        dateline -> Nullable<Text>,
        section_id -> Nullable<BigInt>,
        language -> Text,
        canonical_url -> Nullable<Text>,
        word_count -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    bylines (article_id, author_id) {
        article_id -> BigInt,
        author_id -> BigInt,
        position -> Integer,
        role -> Text,
    }
}

diesel::table! {
    article_tags (article_id, tag_id) {
        article_id -> BigInt,
        tag_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    related_links (article_id, position) {
        article_id -> BigInt,
        position -> Integer,
        target_article_id -> Nullable<BigInt>,
        url -> Nullable<Text>,
        title -> Nullable<Text>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        name -> Text,
        scope -> Text,
        prefix -> Text,
        hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(articles -> sections (section_id));
diesel::joinable!(bylines -> authors (author_id));
diesel::joinable!(article_tags -> tags (tag_id));
// Related links join their *target*; the owning article is always filtered by id.
diesel::joinable!(related_links -> articles (target_article_id));

diesel::allow_tables_to_appear_in_same_query!(
    authors,
    sections,
    tags,
    articles,
    bylines,
    article_tags,
    related_links,
    api_keys,
);
