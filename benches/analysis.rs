//! How the analysis scales with the size of what it reads: the checks and the review report
//! over templates of 2,500 to 20,000 security groups (far past CloudFormation's 500 resources,
//! because `airgap check` reads whatever a pull request holds), and the template reader over
//! the same text. The cost must stay linear: twice the groups, about twice the time.
//!
//! `cargo bench --bench analysis`; the numbers are in the README, section "How fast".

use airgap::render::{ReportOptions, review_report};
use airgap::template::Template;
use divan::black_box;
use serde_json::{Value, json};

fn main() {
    divan::main();
}

/// A VPC and `groups` security groups in a ring: each admits HTTPS from the one before it and
/// may send HTTPS to the one after, the shape of real group-to-group rules, so the review's
/// matrix has one flow per group.
fn ring(groups: usize) -> Value {
    let mut resources = serde_json::Map::new();
    resources.insert(
        "Vpc".into(),
        json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}),
    );
    for i in 0..groups {
        let next = format!("Group{}", (i + 1) % groups);
        let previous = format!("Group{}", (i + groups - 1) % groups);
        resources.insert(
            format!("Group{i}"),
            json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "GroupDescription": "ring", "VpcId": {"Ref": "Vpc"},
                "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                    "SourceSecurityGroupId": {"Ref": previous}}],
                "SecurityGroupEgress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                    "DestinationSecurityGroupId": {"Ref": next}}]}}),
        );
    }
    json!({ "Resources": resources })
}

/// The same ring where every group keeps the default allow-all egress: each may send
/// anything anywhere, and only the receivers' ingress decides.
fn open_ring(groups: usize) -> Value {
    let mut t = ring(groups);
    for i in 0..groups {
        let group = &mut t["Resources"][format!("Group{i}")]["Properties"];
        group
            .as_object_mut()
            .expect("an object")
            .remove("SecurityGroupEgress");
    }
    t
}

const GROUPS: [usize; 4] = [2_500, 5_000, 10_000, 20_000];

#[divan::bench(args = GROUPS, sample_count = 5, sample_size = 1)]
fn check(bencher: divan::Bencher, groups: usize) {
    let template = Template::from_value(&ring(groups)).expect("a template");
    bencher.bench(|| airgap::analysis::check(black_box(&template)).len());
}

#[divan::bench(args = GROUPS, sample_count = 5, sample_size = 1)]
fn report(bencher: divan::Bencher, groups: usize) {
    bench_report(bencher, &ring(groups));
}

#[divan::bench(args = GROUPS, sample_count = 5, sample_size = 1)]
fn report_default_egress(bencher: divan::Bencher, groups: usize) {
    bench_report(bencher, &open_ring(groups));
}

fn bench_report(bencher: divan::Bencher, template: &Value) {
    let template = Template::from_value(template).expect("a template");
    let options = ReportOptions::default();
    bencher.bench(|| {
        review_report(black_box(&template), &options)
            .expect("a report")
            .len()
    });
}

#[divan::bench(args = GROUPS, sample_count = 5, sample_size = 1)]
fn read_json(bencher: divan::Bencher, groups: usize) {
    let text = ring(groups).to_string();
    bencher.bench(|| {
        Template::parse(black_box(&text))
            .expect("parses")
            .resources
            .len()
    });
}
