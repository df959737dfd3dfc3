//! A prompt: `String`, `FromStr` and optional arguments, an extractor.
use mcp_server::{Principal, Prompt, mcp_prompt};

type MaybeCount = Option<u8>;

/// Reviews code.
#[mcp_prompt(title = "Code review")]
async fn review(
    /// The code to review.
    code: String,
    /// Focus on this.
    focus: Option<String>,
    /// How many findings at most.
    limit: u32,
    /// A type alias of an `Option` is optional too.
    rounds: MaybeCount,
    #[ctx] _who: Principal,
) -> String {
    format!("review {code} {focus:?} {limit} {rounds:?}")
}

/// No arguments.
#[mcp_prompt(name = "hello")]
async fn hello_prompt() -> String {
    "hi".to_owned()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let def = Prompt::definition(&review);
    assert_eq!(def.name, "review");
    assert_eq!(def.title.as_deref(), Some("Code review"));
    assert_eq!(def.description.as_deref(), Some("Reviews code."));
    let args = def.arguments.expect("arguments");
    let summary: Vec<_> = args
        .iter()
        .map(|a| (a.name.as_str(), a.required, a.description.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            ("code", Some(true), Some("The code to review.")),
            ("focus", Some(false), Some("Focus on this.")),
            ("limit", Some(true), Some("How many findings at most.")),
            ("rounds", Some(false), Some("A type alias of an `Option` is optional too.")),
        ]
    );
    let text = review.call("x".into(), None, 3, Some(1), Principal::anonymous()).await;
    assert_eq!(text, "review x None 3 Some(1)");

    let hello = Prompt::definition(&hello_prompt);
    assert_eq!(hello.name, "hello");
    assert_eq!(hello.arguments, None);

    let _server = mcp_server::Server::builder("t", "1")
        .prompt(review)
        .prompt(hello_prompt)
        .build();
}
