//! A stub Umami for the read routes the collector does not serve (`/api/websites`,
//! `/active`, `/pageviews`): it answers Umami 3.1.0's recorded answers
//! (`tests/fixtures/`, copied from the integration suite's recordings) and keeps every
//! request, to check what the binary asked.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A request the stub received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub authorization: Option<String>,
}

/// The stub's answers: the first route whose method and path prefix match answers.
pub struct Stub {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

/// The response body of a recorded exchange.
pub fn recorded(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let exchange: serde_json::Value = serde_json::from_str(&text).expect("a recorded exchange");
    exchange["response"]["body"].to_string()
}

impl Stub {
    pub fn start(routes: Vec<(&'static str, String, u16, String)>) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let routes = Arc::new(routes);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = routes.clone();
                let log = log.clone();
                std::thread::spawn(move || serve(stream, &routes, &log));
            }
        });
        Stub { url, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(
    stream: TcpStream,
    routes: &[(&'static str, String, u16, String)],
    log: &Mutex<Vec<Seen>>,
) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut length = 0;
        let mut authorization = None;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
                if name.eq_ignore_ascii_case("authorization") {
                    authorization = Some(value.trim().to_owned());
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        log.lock().unwrap().push(Seen {
            method: method.clone(),
            target: target.clone(),
            authorization,
        });
        let path = target.split('?').next().unwrap_or_default();
        let (status, answer) = routes
            .iter()
            .find(|(m, p, _, _)| *m == method && path.starts_with(p.as_str()))
            .map_or((404, String::new()), |(_, _, s, b)| (*s, b.clone()));
        let response = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// A fast stand-in for Umami's `/api/batch`: answers every item as stored (Umami 3.1's
/// answer shape) and counts each item's `payload.url`, for imports too big for the
/// collector in a debug build.
pub struct Sink {
    pub url: String,
    pub urls: Arc<Mutex<std::collections::HashMap<String, u32>>>,
}

#[derive(serde::Deserialize)]
struct Item {
    payload: ItemPayload,
}

#[derive(serde::Deserialize)]
struct ItemPayload {
    url: String,
}

impl Sink {
    pub fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let urls = Arc::new(Mutex::new(std::collections::HashMap::new()));
        let seen = urls.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || sink(stream, &seen));
            }
        });
        Sink { url, urls }
    }
}

fn sink(stream: TcpStream, seen: &Mutex<std::collections::HashMap<String, u32>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let items: Vec<Item> = serde_json::from_slice(&body).unwrap_or_default();
        {
            let mut seen = seen.lock().unwrap();
            for item in &items {
                *seen.entry(item.payload.url.clone()).or_default() += 1;
            }
        }
        let n = items.len();
        let answer = format!(r#"{{"size":{n},"processed":{n},"errors":0,"details":[]}}"#);
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}
