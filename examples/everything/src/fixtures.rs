//! Fixture payloads shared by tools, prompts and resources.

/// A 1x1 transparent PNG, base64.
pub const PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// A 46-byte WAV (PCM, mono, 8 kHz, one silent 16-bit sample), base64.
pub const WAV_BASE64: &str = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQIAAAAAAA==";

/// The text of `test_simple_text`.
pub const SIMPLE_TEXT: &str = "This is a simple text response for testing.";

/// The text of the `test://static-text` resource.
pub const STATIC_TEXT: &str = "This is the content of the static text resource.";

/// The URI of the resource embedded by `test_embedded_resource`.
pub const EMBEDDED_URI: &str = "test://embedded-resource";

/// The URI of the resource embedded by `test_multiple_content_types`.
pub const MIXED_URI: &str = "test://mixed-content-resource";
