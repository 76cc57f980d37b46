//! The rooms of the crate and what each may import, checked against the
//! source (see `ARCHITECTURE.md`). A room is a top-level module; an import
//! is any `crate::room` path outside a comment, `use crate::{…}` groups
//! included. Rooms below may not import rooms above, so no cycle can form;
//! inside `domain`, the areas import each other without cycles too.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// Each room with the rooms it may import. The order is the layering:
/// every room imports only rooms listed before it.
const ROOMS: &[(&str, &[&str])] = &[
    ("config", &[]),
    ("error_code", &[]),
    ("ids", &[]),
    ("metrics", &[]),
    ("storage", &["config"]),
    ("db", &["config", "metrics"]),
    ("domain", &["config", "ids", "storage"]),
    ("jobs", &["config", "domain", "metrics", "storage"]),
    ("auth", &["config", "domain"]),
    ("seed", &["config", "domain"]),
    ("ratelimit", &["config", "domain", "jobs"]),
    ("notify", &["config", "domain", "ids", "jobs", "metrics"]),
    (
        "graphql",
        &[
            "config",
            "domain",
            "error_code",
            "ids",
            "metrics",
            "ratelimit",
            "storage",
        ],
    ),
    (
        "state",
        &[
            "auth",
            "config",
            "graphql",
            "metrics",
            "notify",
            "ratelimit",
            "storage",
        ],
    ),
    (
        "http",
        &[
            "auth",
            "config",
            "domain",
            "error_code",
            "graphql",
            "ids",
            "metrics",
            "notify",
            "ratelimit",
            "state",
            "storage",
        ],
    ),
    (
        "startup",
        &[
            "auth",
            "config",
            "db",
            "graphql",
            "http",
            "jobs",
            "metrics",
            "notify",
            "ratelimit",
            "state",
            "storage",
        ],
    ),
];

/// Files that are not a room: the crate root and this check.
const NOT_ROOMS: &[&str] = &["lib", "main", "architecture"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comment lines.
fn code(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segment of every path that follows `prefix` (`crate::`,
/// `crate::domain::`), in plain paths and in `use prefix{a::…, b}` groups.
fn imported(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let after = &rest[at + prefix.len()..];
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 1;
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => {
                        found.insert(first_segment(&name));
                        name.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                name.push(c);
            }
            found.insert(first_segment(&name));
        } else {
            found.insert(first_segment(after));
        }
        rest = after;
    }
    found.remove("");
    found
}

fn first_segment(path: &str) -> String {
    path.trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The room (`domain`) and area (`activities`) a file belongs to.
fn place(src: &Path, file: &Path) -> (String, Option<String>) {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let mut parts = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    let room = parts.first().cloned().unwrap_or_default();
    (room, parts.get(1).cloned())
}

/// Whether `edges` has a cycle; returns one found, as a path.
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            return Some(path[start..].to_vec());
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

#[test]
fn rooms_import_only_the_rooms_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    assert!(files.len() > 50, "no sources found under {}", src.display());
    let allowed: BTreeMap<&str, &[&str]> = ROOMS.iter().copied().collect();
    let mut breaches = Vec::new();
    let mut areas: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let (room, area) = place(&src, file);
        if NOT_ROOMS.contains(&room.as_str()) {
            continue;
        }
        let Some(may) = allowed.get(room.as_str()) else {
            breaches.push(format!("{}: room `{room}` is not in ROOMS", file.display()));
            continue;
        };
        let text = code(file);
        for target in imported(&text, "crate::") {
            if target != room && !may.contains(&target.as_str()) {
                breaches.push(format!("{}: `{room}` imports `{target}`", file.display()));
            }
        }
        if room == "domain"
            && let Some(area) = area
        {
            let mut uses = imported(&text, "crate::domain::");
            if file.parent().is_some_and(|dir| dir == src.join("domain")) {
                uses.extend(imported(&text, "super::"));
            }
            uses.retain(|other| *other != area && *other != "*");
            areas.entry(area).or_default().extend(uses);
        }
    }
    assert!(breaches.is_empty(), "{}", breaches.join("\n"));
    // Names that are items of `domain` itself (`lock_row`), not areas,
    // lead nowhere and cannot close a cycle.
    assert_eq!(
        cycle(&areas),
        None,
        "the domain areas import each other in a cycle"
    );
}

#[test]
fn the_layering_lists_rooms_before_the_rooms_that_import_them() {
    for (index, (room, may)) in ROOMS.iter().enumerate() {
        let below: Vec<&str> = ROOMS[..index].iter().map(|(name, _)| *name).collect();
        for target in *may {
            assert!(
                below.contains(target),
                "`{room}` may import `{target}`, which is not below it"
            );
        }
    }
}
