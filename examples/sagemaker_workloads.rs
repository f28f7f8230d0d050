//! SageMaker workloads that can only land inside the private network: the network, a notebook
//! instance, a Studio domain with its users, and the guardrail policy the data scientists'
//! role gets, in one template: `cargo run --example sagemaker_workloads > workloads.json`.
//! `cargo run --example sagemaker_workloads -- guardrail` prints the guardrail as plain JSON
//! for given subnet and group IDs (`-- guardrail subnet-... subnet-... sg-...`), and
//! `-- scp ...` its service control policy variant.
use airgap::net::Service;
use airgap::patterns::sagemaker::SecureSageMakerNetwork;
use airgap::sagemaker::{Guardrail, LifecycleConfig, NotebookInstance, StudioDomain};
use airgap::template::{Stack, Synthesized};

pub fn build() -> airgap::Result<String> {
    Ok(synth()?.to_json_pretty().to_string())
}

pub fn synth() -> airgap::Result<Synthesized> {
    let mut stack = Stack::new("SageMakerWorkloads")
        .description("Private SageMaker network with a notebook, a Studio domain and the guardrail that keeps workloads inside it")
        .tag("Project", "data-science");

    // The notebook and Studio endpoints are what the workloads need besides the SageMaker
    // API and Runtime; without them `add_to` below refuses, naming what is missing.
    let network = SecureSageMakerNetwork::new("DataScience")
        .endpoint(Service::SAGEMAKER_NOTEBOOK)
        .endpoint(Service::SAGEMAKER_STUDIO)
        .read_bucket("my_secure_bucket")
        .add_to(&mut stack)?;
    let place = network.workload_network();

    NotebookInstance::new("Research", &place)
        .instance_type("ml.t3.medium")
        .lifecycle_config(LifecycleConfig::on_start(
            "#!/bin/bash\nset -euo pipefail\n# Stop idle kernels after an hour\necho 'c.MappingKernelManager.cull_idle_timeout = 3600' >> /home/ec2-user/.jupyter/jupyter_notebook_config.py\n",
        ))
        .add_to(&mut stack)?;
    StudioDomain::new("research", &place)
        .user("alice")
        .user("bob")
        .add_to(&mut stack)?;

    // Attach this managed policy to the data scientists' role: it denies SageMaker work
    // anywhere but in these subnets and this group, and allows launching the products.
    network.guardrail()?.add_to(&mut stack, "DataScience")?;

    stack.synth()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = match args.first().map(String::as_str) {
        None => synth().map(|s| {
            // The template is over the 51,200 bytes CloudFormation takes inline: say so.
            for warning in s.warnings() {
                eprintln!("warning: {warning}");
            }
            s.to_json_pretty().to_string()
        }),
        Some(kind @ ("guardrail" | "scp")) => {
            let (groups, subnets): (Vec<&String>, Vec<&String>) =
                args[1..].iter().partition(|a| a.starts_with("sg-"));
            Guardrail::new(subnets.into_iter().cloned(), groups.into_iter().cloned())
                .and_then(|g| {
                    if kind == "scp" {
                        g.scp()
                    } else {
                        g.identity_policy()
                    }
                })
                .map(|p| serde_json::to_string_pretty(&p.to_value()).expect("JSON"))
        }
        Some(other) => {
            eprintln!("unknown argument `{other}`; use guardrail or scp with subnet and group IDs");
            std::process::exit(2);
        }
    };
    match out {
        Ok(text) => println!("{text}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
