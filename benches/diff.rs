//! How long `template::diff` takes on two 500-resource templates (CloudFormation's limit): the
//! same template twice, and a new VPC block that replaces the VPC and, through it, every
//! security group (the cascade is the costly path).
//!
//! `cargo bench --bench diff`; the numbers are in the README, section "How fast".

use airgap::net::{Peer, Port, SecurityGroup, Vpc};
use airgap::template::{Stack, Template, diff};
use divan::black_box;

fn main() {
    divan::main();
}

/// A VPC in one zone and security groups up to 500 resources, read back from JSON as a user's
/// template would be.
fn template(cidr: &str) -> Template {
    let mut stack = Stack::new("Generated").tag("team", "ml-platform");
    let vpc = Vpc::new("Network")
        .cidr(cidr)
        .zones(1)
        .add_to(&mut stack)
        .expect("a valid VPC");
    for i in 0..500 - stack.template().resources.len() {
        SecurityGroup::new(format!("Group {i}"), &vpc)
            .ingress(Peer::vpc_cidr(&vpc), Port::tcp(443))
            .add_to(&mut stack)
            .expect("a valid group");
    }
    let synth = stack.synth_unchecked().expect("synthesizes");
    Template::from_json(synth.to_json_pretty()).expect("reads back")
}

#[divan::bench]
fn same_500(bencher: divan::Bencher) {
    let (old, new) = (template("10.0.0.0/16"), template("10.0.0.0/16"));
    bencher.bench(|| black_box(diff(black_box(&old), black_box(&new))));
}

#[divan::bench]
fn vpc_replaced_500(bencher: divan::Bencher) {
    let (old, new) = (template("10.0.0.0/16"), template("10.1.0.0/16"));
    let d = diff(&old, &new);
    assert!(d.resources.len() > 450, "{}", d.resources.len());
    bencher.bench(|| black_box(diff(black_box(&old), black_box(&new))));
}
