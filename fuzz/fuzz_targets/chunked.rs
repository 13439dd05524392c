#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hookscope::fuzz::chunked(data));
