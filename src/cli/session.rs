//! login, logout, sync.

use super::CmdResult;
use super::output::Out;
use clap::Args;
use procure_client::service::{self, Error, Supplier, Workspace};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The shop's address. Example: --shop https://shop.supplier.example
    #[arg(long)]
    pub shop: Option<String>,
    /// Your company's account code at the supplier (not used by Medusa stores). Example: --company ACME
    #[arg(long)]
    pub company: Option<String>,
    /// Your user name (for a Medusa store: your e-mail address). Example: --user buyer
    #[arg(long)]
    pub user: Option<String>,
    /// Read the password from the first line of stdin (for scripts; or set PROCURE_PASSWORD). Example: --password-stdin
    #[arg(long)]
    pub password_stdin: bool,
    /// Allow plain http to a non-loopback address (passwords travel unencrypted). Example: --allow-insecure-http
    #[arg(long)]
    pub allow_insecure_http: bool,
}

fn read_password(args: &LoginArgs) -> Result<String, Error> {
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| Error::Usage(format!("cannot read stdin: {e}")))?;
        let pw = line.trim_end_matches(['\n', '\r']).to_string();
        if pw.is_empty() {
            return Err(Error::Usage("--password-stdin: stdin had no password".into()));
        }
        return Ok(pw);
    }
    if let Ok(pw) = std::env::var("PROCURE_PASSWORD")
        && !pw.is_empty()
    {
        return Ok(pw);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password: ")
            .map_err(|e| Error::Usage(format!("cannot read password: {e}")));
    }
    Err(Error::Usage("no password: use --password-stdin or set PROCURE_PASSWORD (stdin is not a terminal)".into()))
}

pub async fn login(out: &Out, ws: &mut Workspace, asked: Option<&str>, args: LoginArgs) -> CmdResult {
    // A profile without a session (Peppol) says so instead of asking for a shop and user.
    if let Some((name, why)) = service::session::login_not_needed(ws, asked) {
        out.note(format!("Profile {name:?}: {why}"));
        return Ok(ExitCode::SUCCESS);
    }
    let given = service::session::LoginFields {
        shop: args.shop.clone(),
        company: args.company.clone(),
        user: args.user.clone(),
        allow_insecure_http: args.allow_insecure_http,
    };
    let (name, profile) = service::session::login_profile(ws, asked, &given)?;
    let password = read_password(&args)?;
    let sup = service::session::login(ws, &name, profile, &password).await?;
    let me = service::session::me(&sup).await.ok();
    // The next command as it names this profile: not at all when it is the default.
    let next = match ws.default_supplier() {
        Ok(d) if d == name => "procure sync".to_string(),
        _ => format!("procure --profile {name} sync"),
    };
    if out.json {
        out.data(&serde_json::json!({ "profile": name, "shop": sup.shop_url(), "me": me }));
    } else {
        match me {
            Some(me) => out.note(format!(
                "Logged in to {} as {} ({}, {}) for {} — profile {name:?}. Next: {next}",
                sup.shop_url(),
                me.user.name,
                me.user.role.as_str(),
                me.company.name,
                me.company.code
            )),
            None => out.note(format!("Logged in — profile {name:?}. Next: {next}")),
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Sync every supplier (profile), three at a time; one that fails does not stop the others. Example: --all
    #[arg(long, short = 'a')]
    pub all: bool,
}

pub async fn logout(out: &Out, sup: &Supplier) -> CmdResult {
    let had = service::session::logout(sup).await?;
    if out.json {
        out.data(&serde_json::json!({ "profile": sup.name(), "logged_out": had }));
    } else if had {
        out.note(format!("Logged out of profile {:?}.", sup.name()));
    } else {
        out.note(format!("Profile {:?} was not logged in.", sup.name()));
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn sync(out: &Out, sup: &Supplier) -> CmdResult {
    let mut line = super::progress::SyncLine::new(!out.json && std::io::stderr().is_terminal());
    let report = service::sync::sync_supplier(sup, &mut |step| line.update(step)).await;
    line.clear();
    let report = report?;
    super::order::report_inbox(out, sup).await?;
    // The order and invoice history: what only changed since the last time.
    let history = service::local::sync(sup).await;
    if out.json {
        let mut v = serde_json::to_value(&report).unwrap_or_default();
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("history".into(), history.as_ref().ok().map(|h| serde_json::json!(h)).unwrap_or_default());
        }
        out.data(&v);
    } else if report.not_modified {
        out.note(format!("Up to date: {} parts (nothing changed on the shop).", report.products_total));
    } else {
        out.note(format!(
            "Synced {}: {} parts changed, {} removed, {} prices updated; {} parts in the cache ({} requests).",
            if report.full { "in full" } else { "changes" },
            report.products_changed,
            report.products_removed,
            report.prices_changed,
            report.products_total,
            report.requests
        ));
    }
    if let Some(problem) = &report.index_problem {
        out.note(format!("The search index could not be saved ({problem}); it is rebuilt when next needed."));
    }
    match history {
        Ok(h) => {
            if !out.json && (h.orders_changed > 0 || h.invoices_changed > 0) {
                out.note(format!(
                    "Order history: {} orders and {} invoices changed.",
                    h.orders_changed, h.invoices_changed
                ));
            }
            for r in &h.refused {
                out.note(format!("Refused: {}", r.reason));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            out.note(format!("The order and invoice history could not be synced: {e}"));
            Ok(super::exit(e.kind()))
        }
    }
}
