package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPMailer sends each email in an SMTP session of its own, through
// github.com/wneessen/go-mail. Its URL is one of
//
//	smtp://[user:password@]host[:port]?from=address[&name=Display Name][&tls=starttls|none]
//	smtps://[user:password@]host[:port]?from=address[&name=Display Name]
//
// smtp:// (port 587 unless given) upgrades the session with STARTTLS when the server
// offers it; with tls=starttls a server that does not is refused, with tls=none TLS
// is never tried (a test server without a certificate). smtps:// (port 465 unless
// given) speaks TLS from the first byte. The server's certificate is always checked.
// A user in the URL turns SMTP AUTH on, with the strongest mechanism the server
// offers; PLAIN and LOGIN only inside TLS, so a password never crosses the network
// in clear. name= is the sender's display name, as the recipient's mail program
// shows it.
//
// The context bounds the whole session: when it is cancelled or its deadline passes,
// the connection is closed and Send returns an error that wraps ctx.Err(). Without a
// deadline, each step waits at most go-mail's default timeout (15 s).
type SMTPMailer struct {
	host     string
	port     int
	security security
	user     string
	password string
	from     *mail.Address
	domain   string         // of from, for Message-IDs
	roots    *x509.CertPool // nil: the system's; tests trust their own
	log      *slog.Logger
}

type security int

const (
	startTLSIfOffered security = iota
	startTLSRequired
	plainText
	implicitTLS
)

const smtpURLUsage = "SMTP URL: expected smtp://user:password@host:port?from=address[&name=…][&tls=starttls|none] or smtps://…"

// newSMTPMailer reads the URL. Its errors never quote the URL, which may hold a
// password.
func newSMTPMailer(rawURL string, log *slog.Logger) (*SMTPMailer, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return nil, errors.New(smtpURLUsage)
	}
	if log == nil {
		log = slog.Default()
	}
	q := u.Query()
	s := &SMTPMailer{host: u.Hostname(), log: log}
	switch u.Scheme {
	case "smtp":
		s.port = 587
		switch q.Get("tls") {
		case "":
			s.security = startTLSIfOffered
		case "starttls":
			s.security = startTLSRequired
		case "none":
			s.security = plainText
		default:
			return nil, errors.New("SMTP URL: tls= must be starttls or none")
		}
	case "smtps":
		s.port, s.security = 465, implicitTLS
		if q.Has("tls") {
			return nil, errors.New("SMTP URL: smtps:// always speaks TLS; tls= is for smtp://")
		}
	default:
		return nil, errors.New(smtpURLUsage)
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return nil, fmt.Errorf("SMTP URL: port %q is not a port number", p)
		}
	}
	if q.Get("from") == "" {
		return nil, errors.New("SMTP URL: the from= parameter is required")
	}
	if s.from, err = mail.ParseAddress(q.Get("from")); err != nil {
		return nil, fmt.Errorf("SMTP URL: from=%q is not an email address", q.Get("from"))
	}
	if name := q.Get("name"); name != "" {
		s.from.Name = name
	}
	s.domain = s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	if u.User != nil && u.User.Username() != "" {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	return s, nil
}

// errAddress marks an email whose recipient is not an address: no server can take it.
var errAddress = errors.New("not an email address")

// Send delivers m. An error says why it was not delivered; Permanent tells whether
// trying again can help.
func (s *SMTPMailer) Send(ctx context.Context, m Email) error {
	msg, err := s.message(m, time.Now())
	if err != nil {
		return err
	}
	// go-mail bounds each step by its timeout, and by the context only while it
	// dials: closing the connection when ctx ends stops any step.
	var stop func() bool
	dial := func(dialCtx context.Context, network, addr string) (net.Conn, error) {
		var (
			conn net.Conn
			err  error
			d    net.Dialer
		)
		if s.security == implicitTLS {
			conn, err = (&tls.Dialer{NetDialer: &d, Config: s.tlsConfig()}).DialContext(dialCtx, network, addr)
		} else {
			conn, err = d.DialContext(dialCtx, network, addr)
		}
		if err == nil {
			stop = context.AfterFunc(ctx, func() { conn.Close() })
		}
		return conn, err
	}
	c, err := gomail.NewClient(s.host, s.options(dial)...)
	if err != nil {
		return fmt.Errorf("email to %s: %w", m.To, err)
	}
	err = c.DialAndSendWithContext(ctx, msg)
	if stop != nil {
		stop()
	}
	switch {
	case err == nil:
		return nil
	case msg.IsDelivered():
		// The server took the message; only the goodbye failed. Reporting an error
		// would have it sent twice.
		s.log.WarnContext(ctx, "email delivered, but the SMTP session did not end cleanly", "to", m.To, "err", err)
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("email to %s: %w: %w", m.To, ctx.Err(), err)
	}
	return fmt.Errorf("email to %s: %w", m.To, err)
}

func (s *SMTPMailer) options(dial gomail.DialContextFunc) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTLSConfig(s.tlsConfig()),
		gomail.WithDialContextFunc(dial),
	}
	switch s.security {
	case plainText:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case startTLSRequired:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		// With implicit TLS the dialer has done the handshake and the server offers
		// no STARTTLS; go-mail sees a TLS connection, which allows PLAIN and LOGIN.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.user), gomail.WithPassword(s.password))
	}
	return opts
}

func (s *SMTPMailer) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.host, RootCAs: s.roots, MinVersion: tls.VersionTLS12}
}

// message renders m in UTF-8: display names and the subject as MIME encoded words,
// the plain-text body in quoted-printable, with a Date and a Message-ID at the
// sender's domain.
func (s *SMTPMailer) message(m Email, now time.Time) (*gomail.Msg, error) {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("email to %q: %w (%v)", m.To, errAddress, err)
	}
	if m.ToName != "" {
		to.Name = m.ToName
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	msg.SetDateWithValue(now)
	msg.SetMessageIDWithValue(strings.ToLower(rand.Text()) + "@" + s.domain)
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	return msg, nil
}

// Permanent reports whether sending the same email again cannot help: the server
// refused it with a 5xx reply (an unknown or refused recipient, a refused sender or
// content), or it names no valid address. A server out of reach, a 4xx reply
// (mailbox busy, greylisting), a connection broken half-way, TLS or sign-in trouble
// and an ended context are not permanent: the message is fine, a later try may pass.
//
// go-mail's SendError.IsTemp is true only for a 4xx reply; a SendError that carries
// no reply code at all is a broken connection, so its false IsTemp is not taken as
// permanent.
func Permanent(err error) bool {
	if errors.Is(err, errAddress) {
		return true
	}
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	switch se.Reason {
	case gomail.ErrGetSender, gomail.ErrGetRcpts:
		return true
	}
	return !se.IsTemp() && se.ErrorCode() >= 500 && se.ErrorCode() <= 599
}
