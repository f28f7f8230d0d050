//! The review report a security reviewer reads instead of the Rust or the JSON: for the example,
//! as a reviewed snapshot, with a diagram that a real Mermaid renderer accepts.

use std::path::PathBuf;
use std::process::Command;

use crate::examples::sagemaker_vpc as example;

use airgap::render::{ReportOptions, mermaid_diagram, review_report};
use airgap::template::Template;

fn example_template() -> Template {
    Template::from_json(&example::build().expect("the example builds")).expect("reads back")
}

fn reference(path: &str) -> Template {
    let text = std::fs::read_to_string(format!("tests/fixtures/reference/{path}"))
        .expect("fixture present");
    Template::parse(&text).expect("reference template reads")
}

#[test]
fn the_example_report_matches_the_reviewed_snapshot() {
    let report = review_report(&example_template(), &ReportOptions::default()).unwrap();
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sagemaker_vpc_review", report);
    });
}

#[test]
fn the_example_is_private_and_says_why() {
    let report = review_report(&example_template(), &ReportOptions::default()).unwrap();
    assert!(report.contains("**Private: yes.**"));
    assert!(report.contains("no route leaves the VPC"));
    assert!(report.contains("None: every check passes."));
    assert!(
        report.contains("allows s3:GetObject on my_secure_bucket and its objects to any principal")
    );
}

#[test]
fn the_endpoint_cost_is_endpoints_times_zones_times_hours_times_the_price() {
    let t = example_template();
    // 4 interface endpoints (sagemaker.api, sagemaker.runtime, sts, logs) in 3 zones.
    let report = review_report(&t, &ReportOptions::default()).unwrap();
    assert!(report.contains("12 × 730 h × $0.01"), "{report}");
    assert!(report.contains("**$87.60 a month**"));
    let frankfurt =
        review_report(&t, &ReportOptions::default().endpoint_hourly_usd(0.012)).unwrap();
    assert!(frankfurt.contains("**$105.12 a month**"));
}

#[test]
fn the_reference_network_is_reported_with_its_weaknesses() {
    let t = reference("secure-data-science-reference-architecture/ds_env_network.yaml");
    let report = review_report(&t, &ReportOptions::default()).unwrap();
    assert!(
        report.contains("**Private: yes.**"),
        "no internet path in the reference network"
    );
    assert!(report.contains("security group finding(s) loosen"));
    assert!(report.contains("allows every action on any resource to any principal"));
    assert!(
        report.contains("`SageMakerSecurityGroup`, `SharedServicesVPCEndpointSecurityGroup`")
            || report.contains("Groups without egress rules")
    );
    // The VPC's block is a parameter: the table may show more, and says why.
    assert!(report.contains("Approximations applied to this template"));
    assert!(report.contains("`SageMakerVPC`: `!Ref VpcCIDR` is known only at launch"));
    let shared =
        reference("secure-data-science-reference-architecture/ds_shared_services_network.yaml");
    let report = review_report(&shared, &ReportOptions::default()).unwrap();
    assert!(report.contains("**Private: no.**"));
    assert!(report.contains("AG-NET-001 `SharedServicesIGW`"));
}

fn required() -> bool {
    std::env::var_os("AIRGAP_REQUIRE_TOOLS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Renders each diagram to SVG with mermaid-cli (`mmdc`); a diagram that does not parse fails.
fn mermaid_renders(diagrams: &[(&str, String)]) {
    let mmdc = std::env::var("MMDC").unwrap_or_else(|_| "mmdc".into());
    if Command::new(&mmdc).arg("--version").output().is_err() {
        assert!(
            !required(),
            "mmdc (@mermaid-js/mermaid-cli) is not installed and AIRGAP_REQUIRE_TOOLS is set: install it (see .ci/run)"
        );
        eprintln!(
            "\n!!! SKIPPED: mmdc (@mermaid-js/mermaid-cli) is not installed; the diagrams were NOT rendered. Run .ci/run's install steps. !!!\n"
        );
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diagrams");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("puppeteer.json");
    let browser =
        std::env::var("PUPPETEER_EXECUTABLE_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    std::fs::write(
        &config,
        serde_json::json!({"executablePath": browser, "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]}).to_string(),
    )
    .unwrap();
    for (name, diagram) in diagrams {
        let input = dir.join(format!("{name}.mmd"));
        let output = dir.join(format!("{name}.svg"));
        std::fs::write(&input, diagram).unwrap();
        let _ = std::fs::remove_file(&output);
        let out = Command::new(&mmdc)
            .arg("-p")
            .arg(&config)
            .arg("-i")
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .output()
            .expect("run mmdc");
        assert!(
            out.status.success(),
            "mermaid-cli refused the {name} diagram:\n{}\n{}\n--- diagram ---\n{diagram}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let svg = std::fs::read_to_string(&output).expect("mmdc wrote an SVG");
        assert!(
            svg.contains("<svg") && !svg.contains("Syntax error"),
            "{name}: {svg}"
        );
    }
}

#[test]
fn the_diagrams_render_with_mermaid() {
    let mut diagrams = vec![(
        "sagemaker_vpc",
        mermaid_diagram(&example_template()).unwrap(),
    )];
    for (name, path) in [
        (
            "reference_network",
            "secure-data-science-reference-architecture/ds_env_network.yaml",
        ),
        (
            "shared_services",
            "secure-data-science-reference-architecture/ds_shared_services_network.yaml",
        ),
        (
            "studio_network",
            "studio-secure-data-science-workshop/ds_shared_sagemaker_network.yaml",
        ),
    ] {
        diagrams.push((name, mermaid_diagram(&reference(path)).unwrap()));
    }
    mermaid_renders(&diagrams);
}
