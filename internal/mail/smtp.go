package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// DialTimeout bounds connecting to the SMTP server, and then each message
// exchange on the connection, unless the context passed to Send ends sooner.
const DialTimeout = 10 * time.Second

// TLS modes of SMTPConfig.TLS, the values of SAMVIRKE_SMTP_TLS.
const (
	TLSNone     = "none"     // plain SMTP, no encryption
	TLSStartTLS = "starttls" // STARTTLS required; fail if the server lacks it
	TLSImplicit = "tls"      // TLS from the first byte (SMTPS, usually port 465)
)

// SMTPConfig tells SMTP where and how to deliver; config.Config's SMTP…
// and MailFrom settings map onto it one to one.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string // "" = no SMTP AUTH
	Password string
	TLS      string // TLSNone, TLSStartTLS or TLSImplicit
	From     string // RFC 5322 address, e.g. "Samvirke <no-reply@example.org>"
}

// SMTP is a Sender that delivers through an SMTP server, one connection per
// message. It is safe for concurrent use.
type SMTP struct {
	cfg  SMTPConfig
	from *netmail.Address
}

// NewSMTP checks c and returns a Sender for it. It fails, naming the
// setting, when Host is empty, Port is not a port number, TLS is not one of
// the modes, From does not parse as an address, or Username is set with TLS
// none for a host other than localhost (credentials would cross the network
// in clear text). It does not connect; errors never contain the password.
func NewSMTP(c SMTPConfig) (*SMTP, error) {
	if c.Host == "" {
		return nil, errors.New("mail: SMTP host is empty")
	}
	if c.Port <= 0 || c.Port > 65535 {
		return nil, fmt.Errorf("mail: SMTP port %d is not a port number", c.Port)
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return nil, fmt.Errorf("mail: SMTP TLS mode %q is not one of none, starttls, tls", c.TLS)
	}
	from, err := netmail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", c.From, err)
	}
	if c.Username != "" && c.TLS == TLSNone && !isLoopback(c.Host) {
		return nil, fmt.Errorf("mail: SMTP username set with TLS none for %s: the password would cross the network unencrypted; use starttls or tls", c.Host)
	}
	return &SMTP{cfg: c, from: from}, nil
}

// Addr is the server's host:port, for logs.
func (s *SMTP) Addr() string { return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port)) }

// Send delivers m to all its recipients in one SMTP transaction. Connecting
// (TCP and, for TLSImplicit, the handshake) is bounded by DialTimeout, each
// later exchange by DialTimeout again, and the whole by ctx: when ctx ends the
// connection is closed and the error wraps ctx.Err(). Errors start with
// "mail: send: ", name the server's host:port except for an invalid m (then
// the cause is its *app.Error), and never contain the password.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	return s.SendAccepted(ctx, m, nil)
}

// SendAccepted is Send calling accepted, when not nil, the moment the
// server has accepted the message and before the connection is closed:
// a caller that notes the message as sent there leaves the shortest
// window in which a crash would send it twice. An error closing the
// connection after acceptance is not an error of the send.
func (s *SMTP) SendAccepted(ctx context.Context, m Message, accepted func()) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	msg, err := m.compose(s.from, time.Now())
	if err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	var stop func() bool // ends the watch on ctx for the open connection
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := s.dialer().DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		if stop != nil {
			stop()
		}
		stop = context.AfterFunc(ctx, func() { conn.Close() })
		return conn, nil
	}
	client, err := gomail.NewClient(s.cfg.Host, append(s.options(), gomail.WithDialContextFunc(dial))...)
	if err != nil {
		return s.sendError(err)
	}
	fail := func(err error) error {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		return s.sendError(err)
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fail(err)
	}
	if err := client.SendWithSMTPClient(sc, msg); err != nil {
		client.CloseWithSMTPClient(sc)
		return fail(err)
	}
	if accepted != nil {
		accepted()
	}
	client.CloseWithSMTPClient(sc) // accepted: a failed QUIT changes nothing
	return nil
}

// AcceptedSender is a Sender that can say when the server accepted a
// message (SMTP does; the outbox uses it).
type AcceptedSender interface {
	SendAccepted(ctx context.Context, m Message, accepted func()) error
}

// dialer opens the TCP connection, with TLS from the first byte in
// TLSImplicit mode. (go-mail skips its own dialer when given a dial function,
// and returns *tls.Conn as is, so it still knows the connection is private.)
func (s *SMTP) dialer() interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
} {
	d := &net.Dialer{Timeout: DialTimeout}
	if s.cfg.TLS == TLSImplicit {
		return &tls.Dialer{NetDialer: d, Config: &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}}
	}
	return d
}

// options translates the configuration into go-mail's. A new client per
// message keeps Send free of shared mutable state.
func (s *SMTP) options() []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(DialTimeout),
	}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL()) // no STARTTLS; dialer does TLS
	}
	if s.cfg.Username != "" {
		// PLAIN or LOGIN, whichever the server offers; go-mail only sends
		// them over TLS or to localhost, and otherwise falls back to the
		// challenge-response mechanisms it can discover.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password),
		)
	}
	return opts
}

// sendError wraps err as "mail: send: HOST:PORT: …", redacting the password
// should any layer below have echoed it.
func (s *SMTP) sendError(err error) error {
	wrapped := fmt.Errorf("mail: send: %s: %w", s.Addr(), err)
	if pw := s.cfg.Password; pw != "" && strings.Contains(wrapped.Error(), pw) {
		return &redactedError{msg: strings.ReplaceAll(wrapped.Error(), pw, "[redacted]"), err: err}
	}
	return wrapped
}

// redactedError shows a cleaned message but keeps the cause for errors.Is/As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// isLoopback reports whether host is one go-mail trusts with clear-text
// credentials.
func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
