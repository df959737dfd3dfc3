//! A fixed amount of in-process work for profilers: `profile [modern-echo|legacy-echo|sum]
//! [ITERATIONS]` sends that many `tools/call` requests through the `everything` server's
//! `HttpService` (no sockets) on a one-thread runtime, after 1000 unmeasured ones.
//!
//! ```text
//! valgrind --tool=callgrind --callgrind-out-file=cg.out target/release/profile modern-echo 20000
//! callgrind_annotate --inclusive=yes cg.out | head -60
//! ```

use benches::inproc::{self, HOST};
use benches::wire::{CallTemplate, Era, Tool};

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "modern-echo".to_owned());
    let iterations: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let (tool, era) = match what.as_str() {
        "modern-echo" => (Tool::Echo, Era::Modern),
        "legacy-echo" => (Tool::Echo, Era::Legacy),
        "sum" => (Tool::Sum, Era::Modern),
        other => panic!("unknown workload {other}: modern-echo, legacy-echo or sum"),
    };
    let rt = inproc::runtime();
    let service = inproc::service();
    let template = CallTemplate::new(tool, era);
    rt.block_on(async {
        let session = match era {
            Era::Legacy => Some(inproc::open_session(&service).await),
            Era::Modern => None,
        };
        for id in 1..=1000 {
            let answer =
                inproc::send(&service, template.request(HOST, id, session.as_deref())).await;
            inproc::assert_ok(&answer, tool, id);
        }
        for id in 1001..=1000 + iterations {
            std::hint::black_box(
                inproc::send(&service, template.request(HOST, id, session.as_deref())).await,
            );
        }
    });
}
