//! How long synthesis takes: the example network, and generated templates of 10, 100 and 500
//! resources (500 is CloudFormation's limit), written as JSON and as YAML.
//!
//! `cargo bench` runs it in well under a minute; the numbers and the machine they were taken on
//! are in the README, section "How fast".

use airgap::net::{Peer, Port, SecurityGroup, Vpc};
use airgap::patterns::config::NetworkConfig;
use airgap::template::{Stack, Synthesized};
use divan::black_box;

#[allow(dead_code)]
#[path = "../examples/sagemaker_vpc.rs"]
mod example;

#[allow(dead_code)]
#[path = "../examples/service_catalog.rs"]
mod service_catalog;

#[allow(dead_code)]
#[path = "../examples/sagemaker_workloads.rs"]
mod workloads_example;

fn main() {
    divan::main();
}

/// A VPC in one zone (4 resources) and security groups up to `resources` in all, each with an
/// ingress rule, a `Ref` to the VPC and tags: the constructs most templates are made of.
fn generated(resources: usize) -> Synthesized {
    let mut stack = Stack::new("Generated").tag("team", "ml-platform");
    let vpc = Vpc::new("Network")
        .zones(1)
        .add_to(&mut stack)
        .expect("a valid VPC");
    for i in 0..resources - stack.template().resources.len() {
        SecurityGroup::new(format!("Group {i}"), &vpc)
            .ingress(Peer::vpc_cidr(&vpc), Port::tcp(443))
            .add_to(&mut stack)
            .expect("a valid group");
    }
    // Groups without egress and a VPC without flow logs are no network to ship: this measures
    // the writer, so the privacy checks (timed by `check_generated`) are left out here.
    let synth = stack.synth_unchecked().expect("synthesizes");
    assert_eq!(synth.template().resources.len(), resources);
    synth
}

const SIZES: [usize; 3] = [10, 100, 500];

#[divan::bench(max_time = 1)]
fn example_json() -> usize {
    // Synthesis renders the pretty JSON.
    example::build().expect("the example builds").len()
}

/// The network with a notebook, a Studio domain, two user profiles and the guardrail policy
/// (execution roles and the guardrail validated against the IAM catalog), checked, as JSON.
#[divan::bench(max_time = 1)]
fn workloads_example_json() -> usize {
    workloads_example::build()
        .expect("the example builds")
        .len()
}

/// The example's network in its config form (byte for byte the same template, as
/// tests/suite/yaml.rs checks), written as YAML.
#[divan::bench(max_time = 1)]
fn example_yaml() -> usize {
    let mut config = NetworkConfig::default();
    config.buckets.push("my_secure_bucket".into());
    config.tags.insert("Project".into(), "data-science".into());
    config.synth().expect("the example builds").to_yaml().len()
}

#[divan::bench(args = SIZES, max_time = 1)]
fn generated_json(resources: usize) -> usize {
    generated(black_box(resources)).to_json_pretty().len()
}

#[divan::bench(args = SIZES, max_time = 1)]
fn generated_yaml(resources: usize) -> usize {
    generated(black_box(resources)).to_yaml().len()
}

/// The YAML writer alone, over a template synthesized beforehand.
#[divan::bench(args = SIZES, max_time = 1)]
fn yaml_writer_only(bencher: divan::Bencher, resources: usize) {
    let synth = generated(resources);
    bencher.bench(|| black_box(&synth).to_yaml().len());
}

/// The privacy checks alone over the generated templates.
#[divan::bench(args = SIZES, max_time = 1)]
fn check_generated(bencher: divan::Bencher, resources: usize) {
    let template = generated(resources).into_template();
    bencher.bench(|| airgap::analysis::check(black_box(&template)).len());
}

/// Who can reach whom over the generated templates: reading the groups and the whole matrix
/// (every group to every group), which the review report renders.
#[divan::bench(args = SIZES, max_time = 1)]
fn reach_generated(bencher: divan::Bencher, resources: usize) {
    let template = generated(resources).into_template();
    bencher.bench(|| {
        airgap::analysis::Reachability::of(black_box(&template))
            .matrix()
            .map_or(0, |m| m.len())
    });
}

/// The Service Catalog release of `examples/service_catalog.rs`: five templates synthesized and
/// checked, four launch roles derived and checked against AWS's resource schemas and the IAM
/// catalog, the permissions boundary and the portfolio template.
#[divan::bench(max_time = 1)]
fn service_catalog_release() -> usize {
    service_catalog::release()
        .expect("the release builds")
        .portfolio
        .to_json_pretty()
        .len()
}

/// One launch role: the whole network's, derived and checked.
#[divan::bench(max_time = 1)]
fn launch_role_of_the_whole_network(bencher: divan::Bencher) {
    let release = service_catalog::release().expect("the release builds");
    let template = release.products[0].versions[0].template.clone();
    bencher.bench(|| {
        airgap::catalog::launch_role::derive_policy(&[("sagemaker-network", black_box(&template))])
            .expect("derives")
    });
}
