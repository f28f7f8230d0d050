//! The secure SageMaker network as an AWS Service Catalog product, in a portfolio ready to
//! upload: `cargo run --example service_catalog -- release` writes the folder `release/`
//! (add `--force` to replace it), then `release/publish.sh --help` says how to publish it.
use airgap::catalog::package::WriteOptions;
use airgap::catalog::{
    LaunchRule, Portfolio, PortfolioPrincipal, Product, ProductVersion, Release,
};
use airgap::net::Service;
use airgap::patterns::sagemaker::{SecureSageMakerNetwork, Workload};
use airgap::template::{Stack, Template};
use serde_json::json;

const OWNER: &str = "ML platform team";

/// One version of the network product: the pattern, synthesized to a template.
fn network(with_ecr: bool) -> airgap::Result<Template> {
    let mut stack = Stack::new("SageMakerSecureNetwork")
        .description("Private network for Amazon SageMaker: no internet path, VPC endpoints with policies, flow logs")
        .tag("Project", "data-science");
    let mut network = SecureSageMakerNetwork::new("DataScience").read_bucket("my_secure_bucket");
    if with_ecr {
        network = network
            .endpoints([
                Service::SAGEMAKER_API,
                Service::SAGEMAKER_RUNTIME,
                Service::STS,
                Service::LOGS,
            ])
            .endpoint(Service::ECR_API)
            .endpoint(Service::ECR_DKR)
            .workload(Workload::EcrImages);
    }
    network.add_to(&mut stack)?;
    Ok(stack.synth()?.into_template())
}

/// The products of the portfolio, in launch order. Today the network is one product; once the
/// pattern splits it into VPC, security groups and endpoints, this returns those three, each
/// `.after(...)` the one before it, and nothing else here changes.
pub fn products() -> airgap::Result<Vec<Product>> {
    Ok(vec![
        Product::new("sagemaker-network", OWNER)
            .display_name("Secure SageMaker network")
            .description("A VPC with no path to the internet, VPC endpoints with policies and flow logs, for SageMaker")
            .support_email("ml-platform@example.com")
            .version(ProductVersion::new("1.0.0").description("SageMaker API and Runtime, STS and Logs endpoints").template(network(false)?))
            .version(ProductVersion::new("1.1.0").description("Adds the ECR endpoints, for images of your own").template(network(true)?)),
    ])
}

/// The portfolio: who may launch the products, tag options, a launch rule.
pub fn release() -> airgap::Result<Release> {
    let mut portfolio = Portfolio::new("Data science networks", OWNER).description(
        "Private networks for SageMaker, launched with roles derived from what they create",
    );
    for product in products()? {
        portfolio = portfolio.product(product);
    }
    portfolio
        .principal(PortfolioPrincipal::new(
            "DataScientists",
            "Data scientists' IAM role ARN",
        ))
        .principal(PortfolioPrincipal::new(
            "PlatformAdmins",
            "Platform administrators' IAM role ARN",
        ))
        .tag_option("CostCenter", "ml-research")
        .tag_option("CostCenter", "ml-production")
        .launch_rule(
            "sagemaker-network",
            LaunchRule::new("S3PrefixListIsGiven").assert(
                json!({"Fn::Not": [{"Fn::Equals": [{"Ref": "S3PrefixListId"}, ""]}]}),
                "Give the ID of S3's managed prefix list in this region (pl-...)",
            ),
        )
        .build()
}

fn main() {
    let mut out = std::path::PathBuf::from("release");
    let mut options = WriteOptions::default();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--force" => options.force = true,
            _ => out = arg.into(),
        }
    }
    let written = release().and_then(|r| airgap::render::publish::write_package(&out, &r, options));
    match written {
        Ok(summary) => {
            for (file, bytes) in &summary.files {
                println!("{bytes:>8}  {}", summary.dir.join(file).display());
            }
            println!("next: {}/publish.sh --help", summary.dir.display());
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
