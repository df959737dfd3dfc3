//! The fixture tools, one module per family, and [`register`] for all of them.

pub mod content;
pub mod interactive;
pub mod load;
pub mod mrtr;
pub mod raw;
pub mod stateless;

use mcp_server::ServerBuilder;

/// Registers every tool, in the order `tools/list` shows them.
pub fn register(builder: ServerBuilder) -> ServerBuilder {
    builder
        // content, errors, logging, progress: both eras
        .tool(content::test_simple_text)
        .tool(content::test_image_content)
        .tool(content::test_audio_content)
        .tool(content::test_embedded_resource)
        .tool(content::test_multiple_content_types)
        .tool(content::test_tool_with_logging)
        .tool(content::test_error_handling)
        .tool(content::test_tool_with_progress)
        .tool(content::test_reconnection)
        // server-to-client requests of the session era (MRTR in 2026-07-28)
        .tool(interactive::test_sampling)
        .tool(interactive::test_elicitation)
        .tool(interactive::test_elicitation_sep1034_defaults)
        .tool(interactive::test_elicitation_sep1330_enums)
        // raw schemas
        .tool(raw::json_schema_2020_12_tool())
        .tool(raw::test_x_mcp_header())
        // 2026-07-28 server-stateless diagnostics
        .tool(stateless::test_missing_capability)
        .tool(stateless::test_streaming_elicitation)
        .tool(stateless::test_logging_tool)
        .tool(stateless::test_trigger_tool_change)
        .tool(stateless::test_trigger_prompt_change)
        // 2026-07-28 multi round-trip requests
        .tool(mrtr::test_input_required_result_elicitation)
        .tool(mrtr::test_input_required_result_sampling)
        .tool(mrtr::test_input_required_result_list_roots)
        .tool(mrtr::test_input_required_result_request_state)
        .tool(mrtr::test_input_required_result_multiple_inputs)
        .tool(mrtr::test_input_required_result_multi_round)
        .tool(mrtr::test_input_required_result_tampered_state)
        .tool(mrtr::test_input_required_result_capabilities)
        // load tests
        .tool(load::echo)
        .tool(load::sum)
}
