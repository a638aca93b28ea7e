package notify

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestLogMailerWritesTheMessage(t *testing.T) {
	var buf bytes.Buffer
	m, err := NewMailer("", slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	m.Send(context.Background(), Email{To: "ines@example.org", Subject: "Bonjour", Body: "Lien : https://x/y"})
	if !strings.Contains(buf.String(), "ines@example.org") || !strings.Contains(buf.String(), "https://x/y") {
		t.Fatalf("log lacks the message: %s", buf.String())
	}
}

func TestBadSMTPURLIsRefused(t *testing.T) {
	for _, u := range []string{"http://x", "smtp://host:25", "smtp://"} {
		if _, err := NewMailer(u, slog.Default()); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

// A minimal SMTP server on loopback receives what SMTPMailer sends, and the
// message is read back with net/mail.
func TestSMTPMailerDelivers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		say := func(s string) { c.Write([]byte(s + "\r\n")) }
		say("220 test")
		var data strings.Builder
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if inData {
				if line == ".\r\n" {
					inData = false
					got <- data.String()
					say("250 ok")
					continue
				}
				data.WriteString(line)
				continue
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				say("250 test")
			case cmd == "DATA":
				inData = true
				say("354 go")
			case cmd == "QUIT":
				say("221 bye")
				return
			default:
				say("250 ok")
			}
		}
	}()
	m, err := NewMailer("smtp://"+ln.Addr().String()+"?from=antenne@tremplin.example", slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), Email{To: "karim@example.org", Subject: "Réinitialisation", Body: "Bonjour Karim,\nvoici le lien."}); err != nil {
		t.Fatal(err)
	}
	select {
	case raw := <-got:
		msg, err := mail.ReadMessage(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mimeDecoder).decode(msg.Header.Get("Subject"))
		if subject != "Réinitialisation" || msg.Header.Get("To") != "karim@example.org" {
			t.Fatalf("headers: %v", msg.Header)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message received")
	}
}

type mimeDecoder struct{}

func (mimeDecoder) decode(s string) (string, error) {
	return new(mime.WordDecoder).DecodeHeader(s)
}
