//! Reading templates back: what airgap writes reads back as the same template, and the
//! hand-written references read into a model that writes out what it read.

use crate::examples::sagemaker_vpc as example;

use airgap::Error;
use airgap::template::{Template, yaml_to_value};

#[test]
fn the_example_reads_back_and_writes_the_same_bytes() {
    let json = example::build().unwrap();
    let t = Template::parse(&json).unwrap();
    assert_eq!(t.to_json_pretty(), json);
}

#[test]
fn every_reference_template_survives_a_trip_through_the_model() {
    for dir in [
        "secure-data-science-reference-architecture",
        "studio-secure-data-science-workshop",
    ] {
        for entry in std::fs::read_dir(format!("tests/fixtures/reference/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let t = Template::parse(&text).unwrap();
            let value = yaml_to_value(&text).unwrap();
            // Every resource and output of the file is in the model, and nothing is lost on
            // the way back out.
            assert_eq!(
                t.resources.len(),
                value["Resources"].as_object().unwrap().len(),
                "{}",
                path.display()
            );
            for (id, r) in value["Resources"].as_object().unwrap() {
                let mut r = r.clone();
                // `DependsOn: X` and `DependsOn: [X]` say the same; the model writes the list.
                if let Some(one @ serde_json::Value::String(_)) = r.get("DependsOn").cloned() {
                    r["DependsOn"] = serde_json::Value::Array(vec![one]);
                }
                assert_eq!(t.resources[id].to_value(), r, "{} {id}", path.display());
            }
            assert_eq!(
                Template::from_value(&t.to_value()).unwrap(),
                t,
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn a_broken_template_is_refused_at_its_line_and_column() {
    let text =
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16\n";
    match Template::parse(text).unwrap_err() {
        Error::TemplateSyntax { format, line, .. } => {
            assert_eq!(format, "YAML");
            assert_eq!(line, 5, "the flow mapping is still open at the end");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let e =
        Template::parse("{\"Resources\": {\"Vpc\": {\"Type\": \"AWS::EC2::VPC\",}}}").unwrap_err();
    assert!(
        e.to_string().starts_with("JSON template, line 1, column"),
        "{e}"
    );
}
