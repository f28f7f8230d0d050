//! Checks at synth time: a template that breaks an error-level rule does not synthesize unless
//! the rule is suppressed on that resource with a reason, and the suppression travels in the
//! template's Metadata.

use crate::common;

use crate::examples::sagemaker_vpc as example;

use airgap::Error;
use airgap::analysis::{CheckError, check};
use airgap::net::{Peer, Port, SecurityGroup, Vpc};
use airgap::template::{Resource, Stack, Template, Warning};

#[test]
fn the_example_synthesizes_with_no_findings_at_all() {
    let t = Template::from_json(&example::build().unwrap()).unwrap();
    assert_eq!(check(&t), []);
}

fn stack_with_internet_gateway() -> (Stack, airgap::template::ResourceRef) {
    let mut stack = Stack::new("Egress");
    let igw = stack
        .add_resource_of(
            "Igw",
            "InternetGateway 'Igw'",
            Resource::new("AWS::EC2::InternetGateway"),
        )
        .unwrap();
    (stack, igw)
}

#[test]
fn an_error_level_finding_stops_synthesis_naming_rule_resource_and_fix() {
    let (stack, _) = stack_with_internet_gateway();
    let err = stack.synth().unwrap_err();
    match err.downcast_ref::<CheckError>() {
        Some(CheckError {
            rule,
            resource,
            fix,
            ..
        }) => {
            assert_eq!(rule, "AG-NET-001");
            assert_eq!(resource, "Igw");
            assert!(fix.contains("VPC endpoints"), "{fix}");
        }
        _ => panic!("expected a CheckError, got {err:?}"),
    }
    assert!(
        err.to_string()
            .contains("suppress AG-NET-001 on `Igw` with a reason")
    );
    // Without the checks it synthesizes: the caller asked for that explicitly.
    assert!(stack.synth_unchecked().is_ok());
}

#[test]
fn a_suppression_with_a_reason_lets_it_through_and_is_reported() {
    let (mut stack, igw) = stack_with_internet_gateway();
    stack
        .suppress(
            &igw,
            "AG-NET-001",
            "the shared-services VPC hosts the egress proxy",
        )
        .unwrap();
    let out = stack.synth().unwrap();
    assert_eq!(
        out.warnings(),
        [Warning::Check {
            rule: "AG-NET-001".into(),
            level: "suppressed: the shared-services VPC hosts the egress proxy".into(),
            resource: "Igw".into(),
            message: "declares an Internet Gateway".into(),
        }]
    );
    let json: serde_json::Value = serde_json::from_str(out.to_json_pretty()).unwrap();
    assert_eq!(
        json["Resources"]["Igw"]["Metadata"]["airgap"]["suppressions"],
        serde_json::json!([{"id": "AG-NET-001", "reason": "the shared-services VPC hosts the egress proxy"}])
    );
    // Read back from the file, the template is still suppressed.
    let again = Template::from_json(out.to_json_pretty()).unwrap();
    assert!(check(&again).iter().all(|f| !f.is_blocking()));
    common::cfn_lint(&[(
        "suppressed_igw.json".into(),
        out.to_json_pretty().to_string(),
    )]);
}

#[test]
fn a_suppression_needs_a_rule_and_a_reason() {
    let (mut stack, igw) = stack_with_internet_gateway();
    let no_reason = stack.suppress(&igw, "AG-NET-001", "  ").unwrap_err();
    assert!(
        no_reason.to_string().contains("needs a reason"),
        "{no_reason}"
    );
    assert!(stack.suppress(&igw, "", "because").is_err());
    let (_, foreign) = stack_with_internet_gateway();
    assert!(matches!(
        stack.suppress(&foreign, "AG-NET-001", "because"),
        Err(Error::ForeignConstruct { .. })
    ));
}

#[test]
fn warnings_do_not_stop_synthesis_but_are_handed_over() {
    let mut stack = Stack::new("Pinned");
    stack
        .add_resource_of(
            "Subnet",
            "Subnet 'Pinned'",
            Resource::new("AWS::EC2::Subnet")
                .property("VpcId", "vpc-123")
                .property("CidrBlock", "10.0.0.0/24")
                .property("AvailabilityZone", "eu-west-1c"),
        )
        .unwrap();
    let out = stack.synth().unwrap();
    assert!(
        out.warnings()
            .iter()
            .any(|w| matches!(w, Warning::Check { rule, level, .. } if rule == "AG-NET-010" && level == "warning"))
    );
}

#[test]
fn a_loose_group_built_with_the_library_is_caught_at_synth() {
    let mut stack = Stack::new("Loose");
    let vpc = Vpc::new("Net")
        .cidr("10.0.0.0/16")
        .zones(2)
        .add_to(&mut stack)
        .unwrap();
    // The net layer refuses open ingress unless asked; asked, the checks still catch it.
    SecurityGroup::new("Bastion", &vpc)
        .ingress(Peer::any_ipv4(), Port::tcp(22))
        .egress(Peer::vpc_cidr(&vpc), Port::tcp(443))
        .allow_open_ingress()
        .add_to(&mut stack)
        .unwrap();
    let err = stack.synth().unwrap_err();
    assert!(err.to_string().contains("AG-SG-001"), "{err}");
}

/// Layers import only lower layers, and only the analysis layer and those above it call the
/// checked `Stack::synth` (defined there): the lower layers take the synthesis as a function
/// (`Portfolio::build_with`, ...), so no run-time path leads up.
#[test]
fn lower_layers_neither_import_nor_call_higher_ones() {
    const LAYERS: [&str; 9] = [
        "template",
        "iam",
        "net",
        "sagemaker",
        "catalog",
        "patterns",
        "analysis",
        "render",
        "cli",
    ];
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for (i, layer) in LAYERS.iter().enumerate() {
        let mut dirs = vec![src.join(layer)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                // Unit tests may use any layer.
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                for (n, line) in code.lines().enumerate() {
                    if line.trim_start().starts_with("//") {
                        continue;
                    }
                    let at = format!("{}:{}", path.display(), n + 1);
                    for higher in &LAYERS[i + 1..] {
                        if line.contains(&format!("crate::{higher}")) {
                            problems.push(format!("{at}: {layer} names {higher}: {line}"));
                        }
                    }
                    if i < 6 && (line.contains(".synth()") || line.contains("Stack::synth)")) {
                        problems.push(format!("{at}: {layer} calls the checked synthesis: {line}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
