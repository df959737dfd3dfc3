//! v2 spaces: list (`ids`, `keys` filters, cursor paging) and get.

use serde_json::{Value, json};

use super::model::Space;
use super::{not_found, v2_list};
use crate::auth::ALICE;
use crate::http::{Reply, Req};
use crate::store::Store;
use crate::time;

fn space_json(space: &Space) -> Value {
    json!({
        "id": space.id.to_string(),
        "key": space.key,
        "name": space.name,
        "type": "global",
        "status": "current",
        "authorId": ALICE.account_id,
        "createdAt": time::iso(space.created),
        "homepageId": space.homepage_id.to_string(),
        "spaceOwnerId": ALICE.account_id,
        "description": null,
        "icon": null,
        "_links": {"webui": format!("/spaces/{}", space.key)},
    })
}

/// `GET /wiki/api/v2/spaces?ids=&keys=&type=&status=&limit=&cursor=`.
pub(super) fn list(store: &Store, req: &Req) -> Reply {
    let ids = req.params("ids");
    let keys = req.params("keys");
    let types = req.params("type");
    let statuses = req.params("status");
    let items = store
        .confluence
        .spaces
        .iter()
        .filter(|s| ids.is_empty() || ids.contains(&s.id.to_string()))
        .filter(|s| keys.is_empty() || keys.iter().any(|k| k == s.key))
        .filter(|_| types.is_empty() || types.iter().any(|t| t == "global"))
        .filter(|_| statuses.is_empty() || statuses.iter().any(|t| t == "current"))
        .map(space_json)
        .collect();
    v2_list(req, items, 250)
}

/// `GET /wiki/api/v2/spaces/{id}`.
pub(super) fn get(store: &Store, _req: &Req, id: &str) -> Reply {
    match id.parse().ok().and_then(|id| store.confluence.space(id)) {
        Some(space) => Reply::ok(space_json(space)),
        None => not_found(),
    }
}
