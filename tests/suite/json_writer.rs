//! The JSON writer streams the template without building a `Value` first; it must write exactly
//! what the `Value` form says (both come from the template's one `Serialize` impl), for every
//! template, including hand-written ones with sections and attributes airgap does not model.

use airgap::template::Template;

#[test]
fn streamed_json_equals_the_value_form_for_every_reference_template() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference");
    let mut seen = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let t = Template::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let via_value = serde_json::to_string_pretty(&t.to_value()).unwrap() + "\n";
            assert_eq!(t.to_json_pretty(), via_value, "{}", path.display());
            assert_eq!(
                t.to_json_compact(),
                serde_json::to_string(&t.to_value()).unwrap(),
                "{}",
                path.display()
            );
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} reference templates were read");
}
