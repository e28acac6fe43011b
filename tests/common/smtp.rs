//! A tiny SMTP server on 127.0.0.1 for the e-mail tests (CLI and TUI): just enough SMTP (EHLO,
//! MAIL, RCPT, DATA, QUIT), able to accept, refuse, hang or drop the connection in the middle of
//! DATA, keeping what it received.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, PartialEq)]
pub enum Behaviour {
    /// 250 with a queue id.
    Accept,
    /// 550 after the message.
    Refuse,
    /// Never answers the end of the message.
    Hang,
    /// Closes the connection in the middle of DATA.
    DropMidData,
}

pub const QUEUE_ID: &str = "4XyZ12AbC";
pub const REFUSAL: &str = "5.7.1 Message refused by policy (test)";

#[derive(Debug, Clone)]
pub struct Received {
    pub rcpt: Vec<String>,
    /// The message as the client sent it, dot-stuffing undone, without the final ".".
    pub data: Vec<u8>,
}

pub struct Server {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
    /// Whether a recipient whose address starts with "refuse" is refused (550 at RCPT).
    pub refuse_some: Arc<AtomicBool>,
}

pub fn serve(behaviour: Behaviour) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let refuse_some = Arc::new(AtomicBool::new(true));
    let (store, refuse) = (received.clone(), refuse_some.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let (store, refuse) = (store.clone(), refuse.load(Ordering::SeqCst));
            std::thread::spawn(move || session(stream, behaviour, refuse, &store));
        }
    });
    Server {
        port,
        received,
        refuse_some,
    }
}

fn session(stream: TcpStream, behaviour: Behaviour, refuse: bool, store: &Mutex<Vec<Received>>) {
    let mut out = stream.try_clone().unwrap();
    let mut input = BufReader::new(stream);
    let mut say = |s: &str| out.write_all(s.as_bytes()).is_ok();
    say("220 test.local ESMTP recouvre-test\r\n");
    let mut rcpt = Vec::new();
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                say("250-test.local\r\n250 8BITMIME\r\n");
            }
            "HELO" | "RSET" | "NOOP" => {
                say("250 OK\r\n");
            }
            "MAIL" => {
                rcpt.clear();
                say("250 2.1.0 OK\r\n");
            }
            "RCPT" => {
                let addr = line
                    .split_once('<')
                    .and_then(|(_, r)| r.split_once('>'))
                    .map(|(a, _)| a.to_string())
                    .unwrap_or_default();
                if refuse && addr.starts_with("refuse") {
                    say(&format!(
                        "550 5.1.1 <{addr}>: Recipient address rejected\r\n"
                    ));
                } else {
                    rcpt.push(addr);
                    say("250 2.1.5 OK\r\n");
                }
            }
            "DATA" => {
                say("354 End data with <CR><LF>.<CR><LF>\r\n");
                let mut data = Vec::new();
                loop {
                    let mut l = Vec::new();
                    if input.read_until(b'\n', &mut l).unwrap_or(0) == 0 {
                        return;
                    }
                    if behaviour == Behaviour::DropMidData {
                        // One line in, then the connection is gone.
                        return;
                    }
                    if l == b".\r\n" {
                        break;
                    }
                    let l = if l.starts_with(b"..") {
                        &l[1..]
                    } else {
                        &l[..]
                    };
                    data.extend_from_slice(l);
                }
                match behaviour {
                    Behaviour::Accept => {
                        store.lock().unwrap().push(Received {
                            rcpt: rcpt.clone(),
                            data,
                        });
                        say(&format!("250 2.0.0 Ok: queued as {QUEUE_ID}\r\n"));
                    }
                    Behaviour::Refuse => {
                        say(&format!("550 {REFUSAL}\r\n"));
                    }
                    Behaviour::Hang => {
                        std::thread::sleep(Duration::from_secs(8));
                        return;
                    }
                    Behaviour::DropMidData => unreachable!(),
                }
            }
            "QUIT" => {
                say("221 2.0.0 Bye\r\n");
                return;
            }
            _ => {
                say("502 5.5.2 Command not recognized\r\n");
            }
        }
    }
}
