//! Native plugin SDK for Dokku in Rust (work in progress: see issue 3).
