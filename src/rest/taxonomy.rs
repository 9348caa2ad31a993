//! `/v1/sections` and `/v1/tags`: how articles are filed, and each
//! section's and tag's public articles.

use actix_web::{delete, get, patch, post};

use super::requests::{SectionRequest, TagRequest};
use super::slugged::slugged_routes;
use super::types::{SectionBody, SectionList, TagBody, TagList};
use crate::domain::{Dep, Section, Tag};
use crate::service::articles::Owner;
use crate::service::taxonomy as service;

slugged_routes! {
    configure: configure_sections,
    tag: "sections",
    reference: "Section id or slug",
    body: SectionBody, list: SectionList, request: SectionRequest,
    deps: Dep::Sections, Dep::Section,
    owner: Owner::Section,
    location: |section: &Section| format!("/v1/sections/{}", section.slug),
    list_fn: list_sections = "List sections by slug.", "A page of sections", service::list_sections,
    create_fn: create_section = "Create a section.", service::save_section,
    get_fn: get_section = "One section by id or slug.", "The section", service::get_section,
    update_fn: update_section = "Change a section (merge semantics).", "The updated section",
    delete_fn: delete_section = "Delete a section; 409 while articles are in it.", service::delete_section,
    articles_fn: section_articles = "The section's articles: same filters and paging as the article list.",
}

slugged_routes! {
    configure: configure_tags,
    tag: "tags",
    reference: "Tag id or slug",
    body: TagBody, list: TagList, request: TagRequest,
    deps: Dep::Tags, Dep::Tag,
    owner: Owner::Tag,
    location: |tag: &Tag| format!("/v1/tags/{}", tag.slug),
    list_fn: list_tags = "List tags by slug.", "A page of tags", service::list_tags,
    create_fn: create_tag = "Create a tag.", service::save_tag,
    get_fn: get_tag = "One tag by id or slug.", "The tag", service::get_tag,
    update_fn: update_tag = "Change a tag (merge semantics).", "The updated tag",
    delete_fn: delete_tag = "Delete a tag; 409 while articles carry it.", service::delete_tag,
    articles_fn: tag_articles = "The tag's articles: same filters and paging as the article list.",
}
