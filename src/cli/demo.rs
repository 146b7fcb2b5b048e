//! `procure demo`: the reference shop with demo data on loopback, a "demo"
//! profile logged in as the demo buyer, a synced catalog and a basket to try.

use super::CmdResult;
use super::output::Out;
use clap::Args;
use procure_client::service::demo::COMPANY;
use procure_client::service::{self, Error, Paths, Supplier, Workspace};
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many parts the demo shop has (used when it is first created). Example: --products 5000
    #[arg(long, default_value_t = 50_000)]
    pub products: usize,
    /// Port of the demo shop on 127.0.0.1 (default: 8450, or any free one). Example: --port 8451
    #[arg(long)]
    pub port: Option<u16>,
    /// Set everything up, print the tour and exit. Example: --no-wait
    #[arg(long)]
    pub no_wait: bool,
    /// Serve the demo shop until Ctrl-C instead of opening the app (use the CLI in another terminal). Example: --serve
    #[arg(long)]
    pub serve: bool,
}

pub async fn start_shop(out: &Out, paths: &Paths, args: &DemoArgs) -> Result<procure_shop::RunningShop, Error> {
    let service::demo::ShopDb { path: db, made } = service::demo::shop_db(paths);
    if !made {
        out.note(format!("Creating the demo shop with {} parts (once)…", args.products));
        let (db2, n) = (db.clone(), args.products);
        let started = std::time::Instant::now();
        tokio::task::spawn_blocking(move || procure_shop::seed_demo(&db2, n))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?
            .map_err(|e| {
                service::demo::discard_shop_db(paths);
                Error::Internal(format!("creating the demo shop failed: {e:#}"))
            })?;
        out.note(format!("  done in {:.1} s", started.elapsed().as_secs_f64()));
    }
    let ports = match args.port {
        Some(p) => vec![p],
        None => vec![8450, 0],
    };
    let mut last = None;
    for port in ports {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        match procure_shop::spawn(
            db.clone(),
            addr,
            procure_shop::ShopOptions {
                // The demo's supplier answers quote requests after a few
                // seconds, and confirms, ships and invoices new orders.
                auto_offer: Some(std::time::Duration::from_secs(5)),
                auto_fulfil: Some(std::time::Duration::from_secs(5)),
                ..Default::default()
            },
        )
        .await
        {
            Ok(shop) => return Ok(shop),
            Err(e) => last = Some(e),
        }
    }
    Err(Error::Internal(format!("cannot start the demo shop: {:#}", last.map(|e| e.to_string()).unwrap_or_default())))
}

/// Logs the demo profiles in, syncs, and makes sure a demo basket exists.
pub async fn prepare_profile(out: &Out, ws: &mut Workspace, shop_url: &str) -> Result<Supplier, Error> {
    let mut line = super::progress::SyncLine::new(std::io::stderr().is_terminal());
    let prepared = service::demo::prepare(ws, shop_url, &mut |step| line.update(step)).await;
    line.clear();
    let (sup, report) = prepared?;
    out.note(format!("Synced: {} parts in the local catalog.", report.products_total));
    Ok(sup)
}

pub async fn demo(out: &Out, mut ws: Workspace, args: DemoArgs, color: Option<String>) -> CmdResult {
    let shop = start_shop(out, ws.paths(), &args).await?;
    let url = format!("http://{}", shop.addr);
    let sup = prepare_profile(out, &mut ws, &url).await?;
    let terminal = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if terminal && !args.no_wait && !args.serve {
        let result = crate::tui::run(ws, sup, crate::tui::Options { color }).await;
        shop.shutdown().await;
        result?;
        return Ok(ExitCode::SUCCESS);
    }
    out.note(format!(
        "\nThe demo shop runs at {url}; profile \"demo\" is logged in as the buyer of {COMPANY}.
Try, in another terminal:
  procure search 6205-2rsh            find a part by type number (separators don't matter)
  procure search m8x25                screws by thread and length
  procure show <SKU>                  tier prices, stock, documents
  procure basket show weekly          a saved reorder basket
  procure order submit --basket weekly --po PO-1 --deliver-on <YYYY-MM-DD>
  procure order list
The approver of ACME is profile \"demo-approver\": procure --profile demo-approver
Demo users: company ACME, BOLT or CRANE; user buyer, approver or admin; password demo."
    ));
    if args.no_wait {
        shop.shutdown().await;
        return Ok(ExitCode::SUCCESS);
    }
    out.note("Press Ctrl-C to stop the demo shop.");
    let _ = tokio::signal::ctrl_c().await;
    shop.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
