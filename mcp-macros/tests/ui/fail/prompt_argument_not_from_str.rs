use mcp_server::mcp_prompt;

struct Colour;

/// `Colour` does not implement `FromStr`.
#[mcp_prompt]
async fn paint(colour: Colour) -> String {
    let _ = colour;
    String::new()
}

fn main() {}
