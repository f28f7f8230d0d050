//! The secure SageMaker network as an AWS Service Catalog product, in a portfolio ready to
//! upload: `cargo run --example service_catalog -- release` writes the folder `release/`
//! (add `--force` to replace it), then `release/publish.sh --help` says how to publish it.
use airgap::catalog::package::WriteOptions;
use airgap::catalog::{
    LaunchRule, Portfolio, PortfolioPrincipal, Product, ProductVersion, Release,
};
use airgap::net::Service;
use airgap::patterns::sagemaker::{NetworkProducts, SecureSageMakerNetwork};
use airgap::template::Stack;
use serde_json::json;

const OWNER: &str = "ML platform team";
const VERSION: &str = "1.0.0";

/// The network, described once: the seed's network as a product that asks at launch for the
/// project, environment, VPC block, zones and optional endpoints, with IDs in SSM.
fn network() -> SecureSageMakerNetwork {
    SecureSageMakerNetwork::new("DataScience")
        .read_bucket("my_secure_bucket")
        .optional_endpoint(Service::MONITORING)
        .optional_endpoint(Service::SSM)
        .parameterized()
        .ssm_parameters("/${ProjectName}/${EnvType}/network")
}

fn base() -> airgap::Result<Stack> {
    Stack::new("SageMakerNetwork")
        .description("Private network for Amazon SageMaker, as a Service Catalog product")
        .export_prefix("${ProjectName}-${EnvType}")
}

/// The products, in launch order: the whole network as one product, and the same description
/// split into the VPC, its security groups and its endpoints, each launched after the one
/// before it.
pub fn products() -> airgap::Result<Vec<Product>> {
    let mut whole = base()?;
    network().add_to(&mut whole)?;
    let mut products = vec![
        Product::new("sagemaker-network", OWNER)
            .display_name("Secure SageMaker network")
            .description("A VPC with no path to the internet, VPC endpoints with policies and flow logs, for SageMaker")
            .support_email("ml-platform@example.com")
            .version(ProductVersion::new(VERSION).template(whole.synth()?.into_template())),
    ];
    let split = network().split(&base()?)?;
    let mut before: Option<String> = None;
    for (name, stack) in split.in_launch_order() {
        let mut product = Product::new(format!("network-{name}"), OWNER)
            .display_name(format!("SageMaker network: {name}"))
            .description(format!(
                "The {name} of the secure SageMaker network, one of {} products launched in order",
                NetworkProducts::LAUNCH_ORDER.len()
            ))
            .version(ProductVersion::new(VERSION).template(stack.synth()?.into_template()));
        if let Some(b) = &before {
            product = product.after(b.clone());
        }
        before = Some(format!("network-{name}"));
        products.push(product);
    }
    Ok(products)
}

/// Production networks span at least two zones.
fn prod_rule() -> LaunchRule {
    LaunchRule::new("ProductionSpansTwoZones")
        .when(json!({"Fn::Equals": [{"Ref": "EnvType"}, "prod"]}))
        .assert(
            json!({"Fn::Contains": [["2", "3", "4", "5", "6"], {"Ref": "Zones"}]}),
            "A production network spans at least two zones",
        )
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
        .launch_rule("sagemaker-network", prod_rule())
        .launch_rule("network-vpc", prod_rule())
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
