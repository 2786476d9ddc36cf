// Package mailtest runs a real SMTP server in the test process, so that tests
// send e-mail through the same client code as production and then read what
// arrived: decoded subject and bodies, and the links in the text.
//
//	srv := mailtest.Start(t)
//	sender, _ := mail.NewSMTP(srv.Config("Samvirke <no-reply@example.org>"))
//	… the code under test sends an invitation to kari@example.no …
//	got := srv.WaitFor(t, "kari@example.no", 5*time.Second)
//	link := got.Links()[0]
package mailtest

import (
	"fmt"
	"io"
	"log"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/samvirke/samvirke/internal/mail"
)

// Server is an SMTP server on 127.0.0.1 that keeps every message it
// accepts. Its methods are safe for concurrent use.
type Server struct {
	srv        *smtp.Server
	port       int
	user, pass string // "" = no AUTH

	mu      sync.Mutex
	msgs    []Received
	seen    map[string]int // recipient → len(msgs) when WaitFor last returned for it
	arrived chan struct{}  // closed and replaced on every message
}

// Start starts a server without authentication on 127.0.0.1 and a free
// port; tb.Cleanup closes it. It fails tb when it cannot listen.
func Start(tb testing.TB) *Server {
	tb.Helper()
	return start(tb, "", "")
}

// StartWithAuth starts a server that offers AUTH PLAIN (over plain TCP, which
// clients allow to localhost) and accepts mail only after authentication
// as user with pass; wrong credentials get 535. Config fills them in.
func StartWithAuth(tb testing.TB, user, pass string) *Server {
	tb.Helper()
	if user == "" {
		tb.Fatal("mailtest: StartWithAuth needs a user name")
	}
	return start(tb, user, pass)
}

func start(tb testing.TB, user, pass string) *Server {
	tb.Helper()
	s := &Server{user: user, pass: pass, seen: map[string]int{}, arrived: make(chan struct{})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mailtest: listen: %v", err)
	}
	s.port = l.Addr().(*net.TCPAddr).Port

	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.MaxRecipients = 100
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	// Connection errors are the client's to report; logging them from a
	// server goroutine could outlive the test.
	s.srv.ErrorLog = log.New(io.Discard, "", 0)

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.srv.Serve(l)
	}()
	tb.Cleanup(func() {
		_ = s.srv.Close()
		// Close only closes listeners Serve has registered; if Serve has not
		// started yet, closing l ourselves is what lets it return.
		_ = l.Close()
		<-done
	})
	return s
}

// Host is the address the server listens on, "127.0.0.1".
func (s *Server) Host() string { return "127.0.0.1" }

// Port is the TCP port the server listens on.
func (s *Server) Port() int { return s.port }

// Config returns the mail.SMTPConfig for sending to s from the given address
// without TLS, with the credentials of StartWithAuth when it was used.
func (s *Server) Config(from string) mail.SMTPConfig {
	return mail.SMTPConfig{
		Host:     s.Host(),
		Port:     s.port,
		Username: s.user,
		Password: s.pass,
		TLS:      mail.TLSNone,
		From:     from,
	}
}

// Messages returns every message received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor waits up to timeout for a message whose envelope recipients include
// to (a bare or display-name address, compared case-insensitively) and that
// arrived after the previous WaitFor for the same recipient returned. It
// returns the newest such message. When none arrives in time it fails tb
// with the list of what did arrive. Call it from the test's goroutine.
func (s *Server) WaitFor(tb testing.TB, to string, timeout time.Duration) Received {
	tb.Helper()
	want := normalize(to)
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		for i := len(s.msgs) - 1; i >= s.seen[want]; i-- {
			if s.msgs[i].sentTo(want) {
				s.seen[want] = i + 1
				r := s.msgs[i]
				s.mu.Unlock()
				return r
			}
		}
		arrived := s.arrived
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-timer.C:
			tb.Fatalf("mailtest: no new mail to %s within %v; %s", to, timeout, s.summary())
			return Received{}
		}
	}
}

// summary lists the messages received so far, for failure messages.
func (s *Server) summary() string {
	msgs := s.Messages()
	if len(msgs) == 0 {
		return "nothing arrived"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d arrived:", len(msgs))
	for _, m := range msgs {
		fmt.Fprintf(&b, "\n\t%s → %s: %q", m.From, strings.Join(m.To, ", "), m.Subject)
	}
	return b.String()
}

func (s *Server) add(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// normalize returns the lower-cased bare address of addr, or addr lower-cased
// when it does not parse.
func normalize(addr string) string {
	if a, err := netmail.ParseAddress(addr); err == nil {
		addr = a.Address
	}
	return strings.ToLower(strings.TrimSpace(addr))
}

// session is one SMTP connection's state.
type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (se *session) AuthMechanisms() []string {
	if se.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	if se.s.user == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != se.s.user || pass != se.s.pass {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.user != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := parse(se.from, se.to, raw)
	if err != nil {
		// Refuse what the tests could not read, so the sender sees why.
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	se.s.add(msg)
	return nil
}

func (se *session) Reset() { se.from, se.to = "", nil }

func (se *session) Logout() error { return nil }
