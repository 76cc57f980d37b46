//! The GraphiQL page a browser gets at `GET /graphql`.
//!
//! Its scripts come from unpkg.com at exact versions, each with a
//! Subresource Integrity hash: a browser runs only the bytes hashed here, so
//! a compromised or changed CDN file cannot read the tokens people paste
//! into the headers pane; it fails to load instead. Without network access
//! the page says what failed and how to query without it, rather than
//! "Loading..." forever. The versions and hashes are checked against the
//! same packages from npm (`tests/peers`) by the end-to-end suite.
//!
//! async-graphql's own page loads GraphiQL 1 and React 17 at floating
//! versions without integrity hashes, hence this one.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};

/// One asset on unpkg.com: its npm package, version, path in the package,
/// and the SRI hash of its bytes.
pub struct Asset {
    /// The npm package.
    pub package: &'static str,
    /// Its exact version.
    pub version: &'static str,
    /// The file within the package.
    pub path: &'static str,
    /// `sha384-` and the base64 SHA-384 of the file.
    pub integrity: &'static str,
}

impl Asset {
    fn url(&self) -> String {
        format!(
            "https://unpkg.com/{}@{}/{}",
            self.package, self.version, self.path
        )
    }
}

/// The stylesheet, then the scripts in the order they must run.
pub const ASSETS: [Asset; 4] = [
    Asset {
        package: "graphiql",
        version: "3.8.3",
        path: "graphiql.min.css",
        integrity: "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
    },
    Asset {
        package: "react",
        version: "18.3.1",
        path: "umd/react.production.min.js",
        integrity: "sha384-DGyLxAyjq0f9SPpVevD6IgztCFlnMF6oW/XQGmfe+IsZ8TqEiDrcHkMLKI6fiB/Z",
    },
    Asset {
        package: "react-dom",
        version: "18.3.1",
        path: "umd/react-dom.production.min.js",
        integrity: "sha384-gTGxhz21lVGYNMcdJOyq01Edg0jhn/c22nsx0kyqP0TxaV5WVdsSH1fSDUf5YJj1",
    },
    Asset {
        package: "graphiql",
        version: "3.8.3",
        path: "graphiql.min.js",
        integrity: "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
    },
];

/// The query GraphiQL opens with: a first look at the demo data.
const FIRST_QUERY: &str = r#"# Anyone may read PUBLIC records. To act as an organization, put
# {"Authorization": "Bearer pct_t_..."} in the headers pane below
# (`pactum token create --org municipiul-lugoj`).
{
  organizations(first: 5, search: "timis") {
    totalCount
    nodes { name kind }
  }
  stats { agreementsByStatus { key count } }
}
"#;

/// Renders the page.
fn page() -> String {
    let [style, scripts @ ..] = &ASSETS;
    let scripts: String = scripts
        .iter()
        .map(|a| {
            format!(
                r#"    <script src="{}" integrity="{}" crossorigin="anonymous"></script>
"#,
                a.url(),
                a.integrity
            )
        })
        .collect();
    // A JSON string is a valid JavaScript string literal; `<` is escaped so
    // the text cannot end the script element.
    let first_query = serde_json::Value::from(FIRST_QUERY)
        .to_string()
        .replace('<', "\\u003c");
    format!(
        r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Pactum GraphQL</title>
    <link rel="stylesheet" href="{style_url}" integrity="{style_integrity}" crossorigin="anonymous">
    <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }} .note {{ font: 16px/1.5 sans-serif; max-width: 42em; margin: 2em auto; padding: 0 1em; }}</style>
  </head>
  <body>
    <div id="graphiql"><p class="note">Loading GraphiQL from unpkg.com…</p></div>
    <noscript><p class="note">GraphiQL needs JavaScript. The API itself does not: send <code>POST /graphql</code> with <code>{{"query": "…"}}</code>.</p></noscript>
{scripts}    <script>
      (function () {{
        var root = document.getElementById('graphiql');
        if (typeof window.GraphiQL === 'undefined' || typeof window.ReactDOM === 'undefined') {{
          root.innerHTML = '<div class="note"><h1>GraphiQL could not be loaded</h1>' +
            '<p>Its scripts come from unpkg.com, pinned by hash: this browser is offline, ' +
            'cannot reach unpkg.com, or received a file that did not match. ' +
            'The API works without them: send <code>POST /graphql</code> with ' +
            '<code>{{"query": "{{ organizations {{ totalCount }} }}"}}</code>.</p></div>';
          return;
        }}
        ReactDOM.createRoot(root).render(React.createElement(GraphiQL, {{
          fetcher: GraphiQL.createFetcher({{ url: '/graphql' }}),
          defaultQuery: {first_query},
          defaultEditorToolsVisibility: true
        }}));
      }})();
    </script>
  </body>
</html>
"#,
        style_url = style.url(),
        style_integrity = style.integrity,
    )
}

/// `GET /graphql` from a browser.
pub fn graphiql() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        page(),
    )
        .into_response()
}
