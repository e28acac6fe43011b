//! The house rules, checked on the source itself: the layers point one way, no two files import
//! each other (directly or round a loop), and no source file grows past the size where everything
//! starts landing in it.
//!
//! The reader is deliberately small: it follows `use` trees, inline `crate::`/`super::`/`self::`
//! paths and relative paths into child modules, and looks through a `mod.rs` re-export to the file
//! that defines the item, so a facade module does not count as a dependency of its own children.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Files allowed past the size limit: data tables, not logic.
const LARGE_DATA_FILES: &[&str] = &["src/demo.rs"];
const MAX_LINES: usize = 700;

/// The layers, top first: a module may import only modules listed after it. This is what the
/// README's "Architecture" section draws; it rules out, among others, domain → storage/ui/tui/cli,
/// ui → storage, app → tui, storage → ui and cli → ui.
const LAYERS: &[&str] = &[
    "cli", "tui", "demo", "ui", "app", "outbox", "config", "keymap", "storage", "mail", "crash",
    "model", "present", "identity", "pdf", "domain", "i18n",
];

struct Module {
    file: String,
    /// Path segments from the crate root, e.g. ["app", "update"].
    path: Vec<String>,
    text: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn modules() -> Vec<Module> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let rel_s = rel.to_string_lossy().replace('\\', "/");
        // main.rs is a separate crate that sees the library by its name.
        if rel_s == "main.rs" {
            continue;
        }
        let mut path: Vec<String> = rel_s
            .trim_end_matches(".rs")
            .split('/')
            .map(str::to_string)
            .collect();
        if path.last().is_some_and(|l| l == "mod" || l == "lib") {
            path.pop();
        }
        let raw = std::fs::read_to_string(&f).unwrap();
        out.push(Module {
            file: format!("src/{rel_s}"),
            path,
            text: strip_comments_and_strings(&raw),
        });
    }
    out
}

/// Blanks out comments, string and char literals so that paths inside them are not read as code.
fn strip_comments_and_strings(s: &str) -> String {
    let b: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !ident_char(b.get(i.wrapping_sub(1)).copied())
        {
            // Raw string r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            'scan: while j < b.len() {
                if b[j] == '"' {
                    let mut k = 0;
                    while k < hashes && b.get(j + 1 + k) == Some(&'#') {
                        k += 1;
                    }
                    if k == hashes {
                        j += 1 + hashes;
                        break 'scan;
                    }
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A char literal ('a', '\n', '\u{a0}') or a lifetime ('a): only the former is skipped.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// One `use` tree flattened into its leaf paths (segments, with `*` for a glob).
fn expand_use(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let mut base: Vec<String> = prefix.to_vec();
        base.extend(split_path(head));
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        for part in split_top_commas(inner) {
            expand_use(&part, &base, out);
        }
        return;
    }
    let tree = tree.split(" as ").next().unwrap().trim();
    let mut p = prefix.to_vec();
    let segs = split_path(tree);
    if segs.len() == 1 && segs[0] == "self" {
        out.push(p);
        return;
    }
    p.extend(segs);
    out.push(p);
}

fn split_path(s: &str) -> Vec<String> {
    s.split("::")
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn split_top_commas(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    parts
}

struct Uses {
    /// (is `pub use`, leaf path as written with the leading `super`s that only leave an inline
    /// `mod tests { .. }` removed).
    uses: Vec<(bool, Vec<String>)>,
    /// Paths written inline in code, in the same form.
    inline: Vec<Vec<String>>,
    /// Child modules declared with `mod x;`.
    children: BTreeSet<String>,
}

fn read_uses(text: &str) -> Uses {
    let mut uses = Vec::new();
    let mut inline = Vec::new();
    let mut children = BTreeSet::new();
    let chars: Vec<char> = text.chars().collect();
    let tokens_at = |i: usize, word: &str| -> bool {
        let w: Vec<char> = word.chars().collect();
        chars.get(i..i + w.len()).is_some_and(|s| s == w.as_slice())
            && !ident_char(i.checked_sub(1).and_then(|j| chars.get(j).copied()))
            && !ident_char(chars.get(i + w.len()).copied())
    };
    // How many inline `mod x { .. }` blocks enclose each position: a `super::` there first leaves
    // those, not the file's module.
    let mut nesting = vec![0usize; chars.len() + 1];
    {
        let mut stack: Vec<bool> = Vec::new();
        let mut pending_mod = false;
        let mut depth = 0;
        let mut k = 0;
        while k < chars.len() {
            if tokens_at(k, "mod") {
                pending_mod = true;
            } else if chars[k] == ';' {
                pending_mod = false;
            } else if chars[k] == '{' {
                stack.push(pending_mod);
                if pending_mod {
                    depth += 1;
                }
                pending_mod = false;
            } else if chars[k] == '}' && stack.pop() == Some(true) {
                depth -= 1;
            }
            nesting[k] = depth;
            k += 1;
        }
    }
    let local = |at: usize, mut p: Vec<String>| -> Vec<String> {
        for _ in 0..nesting[at] {
            if p.first().is_some_and(|s| s == "super") {
                p.remove(0);
                if p.first().is_none_or(|s| s != "super") {
                    p.insert(0, "self".to_string());
                }
            }
        }
        p
    };
    let mut use_spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if tokens_at(i, "use") {
            let start = i + 3;
            let mut j = start;
            while j < chars.len() && chars[j] != ';' {
                j += 1;
            }
            let body: String = chars[start..j].iter().collect();
            let before: String = chars[i.saturating_sub(12)..i].iter().collect();
            let public = before.trim_end().ends_with("pub") || before.trim_end().ends_with(')');
            let mut leaves = Vec::new();
            expand_use(&body, &[], &mut leaves);
            for l in leaves {
                uses.push((public, local(i, l)));
            }
            use_spans.push((i, j));
            i = j;
        } else if tokens_at(i, "mod") {
            let mut j = i + 3;
            let mut name = String::new();
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            while j < chars.len() && ident_char(Some(chars[j])) {
                name.push(chars[j]);
                j += 1;
            }
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if chars.get(j) == Some(&';') && !name.is_empty() {
                children.insert(name);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    // Inline paths: an identifier followed by `::`, outside the use statements.
    let in_use = |k: usize| use_spans.iter().any(|(a, b)| k >= *a && k <= *b);
    let mut k = 0;
    while k < chars.len() {
        if ident_char(Some(chars[k]))
            && !ident_char(k.checked_sub(1).and_then(|j| chars.get(j).copied()))
            && (k < 2 || chars[k - 1] != ':' || chars[k - 2] != ':')
            && !in_use(k)
        {
            let mut segs = Vec::new();
            let mut j = k;
            loop {
                let mut name = String::new();
                while j < chars.len() && ident_char(Some(chars[j])) {
                    name.push(chars[j]);
                    j += 1;
                }
                if name.is_empty() {
                    break;
                }
                segs.push(name);
                if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
                    j += 2;
                } else {
                    break;
                }
            }
            if segs.len() > 1 {
                inline.push(local(k, segs));
            }
            k = j.max(k + 1);
        } else {
            k += 1;
        }
    }
    Uses {
        uses,
        inline,
        children,
    }
}

struct Graph {
    by_path: BTreeMap<Vec<String>, usize>,
    modules: Vec<Module>,
    uses: Vec<Uses>,
}

impl Graph {
    fn build() -> Graph {
        let modules = modules();
        let by_path = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.path.clone(), i))
            .collect();
        let uses = modules.iter().map(|m| read_uses(&m.text)).collect();
        Graph {
            by_path,
            modules,
            uses,
        }
    }

    /// The absolute form of a path written in module `m`, or None if it leaves the crate.
    fn absolute(&self, m: usize, p: &[String]) -> Option<Vec<String>> {
        let here = &self.modules[m].path;
        let first = p.first()?.as_str();
        let mut abs: Vec<String>;
        let mut rest = p;
        match first {
            "crate" => {
                abs = Vec::new();
                rest = &p[1..];
            }
            "self" => {
                abs = here.clone();
                rest = &p[1..];
            }
            "super" => {
                abs = here.clone();
                while rest.first().is_some_and(|s| s == "super") {
                    abs.pop()?;
                    rest = &rest[1..];
                }
            }
            _ if self.uses[m].children.contains(first) => {
                abs = here.clone();
            }
            _ => return None,
        }
        abs.extend(rest.iter().cloned());
        Some(abs)
    }

    /// The file that defines what an absolute path names, looking through `pub use` re-exports.
    fn resolve(&self, abs: &[String], depth: usize) -> Option<usize> {
        let mut n = abs.len();
        while n > 0 && !self.by_path.contains_key(&abs[..n]) {
            n -= 1;
        }
        let m = *self.by_path.get(&abs[..n])?;
        if depth > 8 || n == abs.len() {
            return Some(m);
        }
        let item = &abs[n];
        for (public, u) in &self.uses[m].uses {
            if !public {
                continue;
            }
            let Some(target) = self.absolute(m, u) else {
                continue;
            };
            let last = target.last().map(String::as_str);
            if last == Some(item.as_str()) {
                return self.resolve(&target, depth + 1).or(Some(m));
            }
            if last == Some("*") {
                let mut t = target[..target.len() - 1].to_vec();
                t.push(item.clone());
                if let Some(r) = self.resolve(&t, depth + 1) {
                    if r != *self
                        .by_path
                        .get(&target[..target.len() - 1])
                        .unwrap_or(&usize::MAX)
                    {
                        return Some(r);
                    }
                }
            }
        }
        Some(m)
    }

    /// File-level dependency edges, with one example path for each.
    fn edges(&self) -> BTreeMap<(usize, usize), String> {
        let mut out = BTreeMap::new();
        for m in 0..self.modules.len() {
            let here = &self.modules[m].path;
            let paths = self.uses[m]
                .uses
                .iter()
                .map(|(public, p)| (*public, p))
                .chain(self.uses[m].inline.iter().map(|p| (false, p)));
            for (public, p) in paths {
                let Some(abs) = self.absolute(m, p) else {
                    continue;
                };
                let Some(t) = self.resolve(&abs, 0) else {
                    continue;
                };
                if t == m {
                    continue;
                }
                // A facade re-exporting its own children is not a dependency on them.
                if public && self.modules[t].path.starts_with(here) {
                    continue;
                }
                out.entry((m, t)).or_insert_with(|| p.join("::"));
            }
        }
        out
    }
}

fn top(m: &Module) -> &str {
    m.path.first().map(String::as_str).unwrap_or("crate")
}

/// Strongly connected components with more than one member (Tarjan).
fn cycles(n: usize, edges: &BTreeSet<(usize, usize)>) -> Vec<Vec<usize>> {
    struct T<'a> {
        adj: Vec<Vec<usize>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: &'a mut Vec<Vec<usize>>,
    }
    fn visit(t: &mut T, v: usize) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for w in t.adj[v].clone() {
            match t.index[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut adj = vec![Vec::new(); n];
    for (a, b) in edges {
        adj[*a].push(*b);
    }
    let mut out = Vec::new();
    let mut t = T {
        adj,
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: &mut out,
    };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(&mut t, v);
        }
    }
    out
}

#[test]
fn no_source_file_is_a_grab_bag() {
    let mut over = Vec::new();
    for m in modules() {
        let lines = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&m.file))
            .unwrap()
            .lines()
            .count();
        if lines > MAX_LINES && !LARGE_DATA_FILES.contains(&m.file.as_str()) {
            over.push(format!("{} has {lines} lines", m.file));
        }
    }
    assert!(
        over.is_empty(),
        "files over {MAX_LINES} lines (split them by feature):\n{}",
        over.join("\n")
    );
}

#[test]
fn no_two_files_import_each_other() {
    let g = Graph::build();
    let edges = g.edges();
    let set: BTreeSet<(usize, usize)> = edges.keys().copied().collect();
    let found = cycles(g.modules.len(), &set);
    let mut report = Vec::new();
    for comp in &found {
        report.push(format!("cycle among {} files:", comp.len()));
        for (&(a, b), via) in &edges {
            if comp.contains(&a) && comp.contains(&b) {
                report.push(format!(
                    "  {} -> {}  (via {via})",
                    g.modules[a].file, g.modules[b].file
                ));
            }
        }
    }
    assert!(found.is_empty(), "import cycles:\n{}", report.join("\n"));
}

#[test]
fn layers_point_one_way() {
    let g = Graph::build();
    let mut top_edges: BTreeMap<(String, String), String> = BTreeMap::new();
    for (&(a, b), via) in &g.edges() {
        let (ta, tb) = (top(&g.modules[a]), top(&g.modules[b]));
        if ta != tb && ta != "crate" {
            top_edges
                .entry((ta.to_string(), tb.to_string()))
                .or_insert_with(|| format!("{} uses {via}", g.modules[a].file));
        }
    }
    let mut bad = Vec::new();
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    for ((a, b), via) in &top_edges {
        match (rank(a), rank(b)) {
            (Some(ra), Some(rb)) if ra < rb => {}
            (Some(_), Some(_)) => bad.push(format!("{a} -> {b} points up: {via}")),
            _ => bad.push(format!(
                "{a} -> {b}: a module missing from LAYERS (say where it sits): {via}"
            )),
        }
    }
    // And no loop between layers, even through ones not named above.
    let names: Vec<String> = top_edges
        .keys()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let idx = |s: &String| names.iter().position(|n| n == s).unwrap();
    let set: BTreeSet<(usize, usize)> = top_edges.keys().map(|(a, b)| (idx(a), idx(b))).collect();
    for comp in cycles(names.len(), &set) {
        let members: Vec<&String> = comp.iter().map(|i| &names[*i]).collect();
        for ((a, b), via) in &top_edges {
            if members.contains(&a) && members.contains(&b) {
                bad.push(format!("loop {members:?}: {a} -> {b}: {via}"));
            }
        }
    }
    assert!(bad.is_empty(), "layer violations:\n{}", bad.join("\n"));
}

/// The reader itself: if it stopped seeing imports, the two tests above would pass on anything.
#[test]
fn the_reader_sees_imports_through_facades_and_super() {
    let g = Graph::build();
    let edges = g.edges();
    let file = |f: &str| g.modules.iter().position(|m| m.file == f).unwrap();
    let has = |a: &str, b: &str| edges.contains_key(&(file(a), file(b)));
    // `use crate::domain::...` from the CLI lands in a domain file, not in domain/mod.rs only.
    let cli_to_domain = edges.keys().any(|&(a, b)| {
        g.modules[a].file.starts_with("src/cli/")
            && g.modules[b].file.starts_with("src/domain/")
            && g.modules[b].file != "src/domain/mod.rs"
    });
    assert!(cli_to_domain, "no edge from cli into a domain file");
    assert!(
        has("src/tui/runtime.rs", "src/tui/mod.rs")
            || edges
                .keys()
                .any(|&(a, _)| g.modules[a].file == "src/tui/runtime.rs")
    );

    let u = read_uses(&strip_comments_and_strings(
        "pub use self::a::{B, c::{D as E, self}};\nfn f() { super::g(); let s = \"crate::x::y\"; }\nmod a;",
    ));
    let leaves: Vec<String> = u.uses.iter().map(|(_, p)| p.join("::")).collect();
    assert_eq!(leaves, ["self::a::B", "self::a::c::D", "self::a::c"]);
    assert!(u.uses.iter().all(|(public, _)| *public));
    assert_eq!(u.inline, vec![vec!["super".to_string(), "g".to_string()]]);
    assert!(u.children.contains("a"));
    let t = read_uses(
        "fn a() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::x;\n}\n",
    );
    let leaves: Vec<String> = t.uses.iter().map(|(_, p)| p.join("::")).collect();
    assert_eq!(
        leaves,
        ["self::*", "super::x"],
        "super inside an inline module"
    );
    let found = cycles(3, &[(0, 1), (1, 2), (2, 0)].into_iter().collect());
    assert_eq!(found, vec![vec![0, 1, 2]]);
}
