//! Compile-time behaviour of the macros: what expands and which errors, spanned where.

#[rustversion::attr(not(stable(1.95)), ignore = "stderr files are blessed for 1.95")]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
