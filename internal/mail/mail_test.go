package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/mail/mailtest"
)

const (
	subject  = "Invitasjon til Samvirke – Åfjord kommune"
	nordic   = "æøå ÆØÅ äö «» §"
	from     = "Åfjord kommune <no-reply@aafjord.example>"
	wait     = 5 * time.Second
	password = "hemmelig-Passord-§42"
)

func invitation(to ...string) mail.Message {
	return mail.Message{
		To:      to,
		Subject: subject,
		Text:    "Hei!\n\n" + nordic + "\n\nGå til https://samvirke.example/invite/abc123.\n",
		HTML:    "<p>Hei!</p><p>" + nordic + "</p>",
		ReplyTo: "Postmottak <post@aafjord.example>",
	}
}

func mustSMTP(t *testing.T, c mail.SMTPConfig) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(c)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	return s
}

func TestSMTPSend(t *testing.T) {
	t.Parallel()

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		s := mustSMTP(t, srv.Config(from))
		if err := s.Send(t.Context(), invitation("Åse Ødegård <ase@example.no>")); err != nil {
			t.Fatalf("Send: %v", err)
		}
		got := srv.WaitFor(t, "ase@example.no", wait)
		if got.Subject != subject {
			t.Errorf("Subject = %q, want %q", got.Subject, subject)
		}
		if !strings.Contains(got.Text, nordic) || !strings.Contains(got.HTML, nordic) {
			t.Errorf("body lost characters:\nText: %q\nHTML: %q", got.Text, got.HTML)
		}
		if diff := cmp.Diff([]string{"https://samvirke.example/invite/abc123"}, got.Links()); diff != "" {
			t.Errorf("Links (-want +got):\n%s", diff)
		}
		if got.From != "no-reply@aafjord.example" {
			t.Errorf("envelope From = %q", got.From)
		}
		checkHeader(t, got.Header, "Åfjord kommune", "Åse Ødegård")
		for i, b := range got.Raw {
			if b > 0x7e || (b < 0x20 && b != '\r' && b != '\n' && b != '\t') {
				t.Fatalf("raw message byte %d is %#x; want 7-bit encoded headers and bodies", i, b)
			}
		}
	})

	t.Run("MultipleRecipients", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		s := mustSMTP(t, srv.Config(from))
		to := []string{"a@example.no", "B <b@example.se>", "c@example.dk"}
		if err := s.Send(t.Context(), invitation(to...)); err != nil {
			t.Fatalf("Send: %v", err)
		}
		for _, addr := range []string{"a@example.no", "b@example.se", "C@Example.dk"} {
			if got := srv.WaitFor(t, addr, wait); got.Subject != subject {
				t.Errorf("%s: Subject = %q", addr, got.Subject)
			}
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("%d messages arrived, want 1 transaction", n)
		}
	})

	t.Run("TwoMailsToOneAddress", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		s := mustSMTP(t, srv.Config(from))
		for _, subj := range []string{"Første", "Andre"} {
			m := invitation("kari@example.no")
			m.Subject = subj
			if err := s.Send(t.Context(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := srv.WaitFor(t, "kari@example.no", wait); got.Subject != subj {
				t.Errorf("WaitFor returned %q, want %q", got.Subject, subj)
			}
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		s := mustSMTP(t, srv.Config(from))
		errs := make(chan error, 8)
		for i := range 8 {
			go func() { errs <- s.Send(t.Context(), invitation("u"+strconv.Itoa(i)+"@example.no")) }()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Errorf("Send: %v", err)
			}
		}
		if n := len(srv.Messages()); n != 8 {
			t.Errorf("%d messages arrived, want 8", n)
		}
	})

	t.Run("ErrInvalidMessage", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		err := mustSMTP(t, srv.Config(from)).Send(t.Context(), mail.Message{To: []string{"x@example.no"}})
		if app.ErrorCode(err) != app.EInvalid {
			t.Errorf("err = %v, want code %s", err, app.EInvalid)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%d messages arrived, want none", n)
		}
	})
}

// checkHeader checks that the top-level header decodes to the given display
// names and carries Date, Message-ID, Reply-To and multipart/alternative.
func checkHeader(t *testing.T, h netmail.Header, fromName, toName string) {
	t.Helper()
	for key, want := range map[string]string{"From": fromName, "To": toName, "Reply-To": "Postmottak"} {
		list, err := h.AddressList(key)
		if err != nil || len(list) != 1 || list[0].Name != want {
			t.Errorf("%s = %v (%v), want name %q", key, list, err, want)
		}
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@aafjord.example>") {
		t.Errorf("Message-ID = %q", id)
	}
	if mt, _, _ := mime.ParseMediaType(h.Get("Content-Type")); mt != "multipart/alternative" {
		t.Errorf("Content-Type = %q, want multipart/alternative", h.Get("Content-Type"))
	}
}

func TestSMTPAuth(t *testing.T) {
	t.Parallel()

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.StartWithAuth(t, "samvirke", password)
		if err := mustSMTP(t, srv.Config(from)).Send(t.Context(), invitation("ase@example.no")); err != nil {
			t.Fatalf("Send: %v", err)
		}
		srv.WaitFor(t, "ase@example.no", wait)
	})

	t.Run("ErrWrongPassword", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.StartWithAuth(t, "samvirke", "the-right-one")
		c := srv.Config(from)
		c.Password = password
		err := mustSMTP(t, c).Send(t.Context(), invitation("ase@example.no"))
		if err == nil {
			t.Fatal("Send with a wrong password succeeded")
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("error reveals the password: %v", err)
		}
		if !strings.HasPrefix(err.Error(), "mail: send: ") {
			t.Errorf("error = %q, want prefix mail: send: ", err)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%d messages arrived, want none", n)
		}
	})

	t.Run("ErrNoCredentials", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.StartWithAuth(t, "samvirke", password)
		c := srv.Config(from)
		c.Username, c.Password = "", ""
		if err := mustSMTP(t, c).Send(t.Context(), invitation("ase@example.no")); err == nil {
			t.Fatal("Send without authentication succeeded")
		}
	})
}

func TestSMTPConnection(t *testing.T) {
	t.Parallel()

	t.Run("ErrUnreachable", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close() // nothing listens there now
		c := mail.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, From: from}
		start := time.Now()
		err = mustSMTP(t, c).Send(t.Context(), invitation("ase@example.no"))
		if err == nil {
			t.Fatal("Send to a closed port succeeded")
		}
		if elapsed := time.Since(start); elapsed > mail.DialTimeout+time.Second {
			t.Errorf("Send took %v, want at most the dial timeout", elapsed)
		}
		if want := "127.0.0.1:" + strconv.Itoa(port); !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	})

	t.Run("ErrContextDeadline", func(t *testing.T) {
		t.Parallel()
		// A server that accepts and then never says a word.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				conn, err := l.Accept()
				if err != nil {
					return
				}
				t.Cleanup(func() { conn.Close() })
			}
		}()
		c := mail.SMTPConfig{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: mail.TLSNone, From: from}
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		err = mustSMTP(t, c).Send(ctx, invitation("ase@example.no"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
		if elapsed := time.Since(start); elapsed > 3*time.Second {
			t.Errorf("Send took %v despite a 300ms context", elapsed)
		}
	})

	t.Run("ErrStartTLSMissing", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		c := srv.Config(from)
		c.TLS = mail.TLSStartTLS
		if err := mustSMTP(t, c).Send(t.Context(), invitation("ase@example.no")); err == nil {
			t.Fatal("starttls mode sent over a server without STARTTLS")
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%d messages arrived in clear text", n)
		}
	})
}

func TestNewSMTP(t *testing.T) {
	t.Parallel()
	ok := mail.SMTPConfig{Host: "smtp.example.no", Port: 587, TLS: mail.TLSStartTLS, From: from}
	for name, edit := range map[string]func(*mail.SMTPConfig){
		"ErrNoHost":           func(c *mail.SMTPConfig) { c.Host = "" },
		"ErrPort":             func(c *mail.SMTPConfig) { c.Port = 0 },
		"ErrTLSMode":          func(c *mail.SMTPConfig) { c.TLS = "ssl" },
		"ErrFrom":             func(c *mail.SMTPConfig) { c.From = "no-reply at example" },
		"ErrClearTextSecrets": func(c *mail.SMTPConfig) { c.TLS, c.Username, c.Password = mail.TLSNone, "u", password },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := ok
			edit(&c)
			_, err := mail.NewSMTP(c)
			if err == nil {
				t.Fatalf("NewSMTP(%+v) succeeded", c)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("error reveals the password: %v", err)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		if _, err := mail.NewSMTP(ok); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMessageValidate(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		edit  func(*mail.Message)
		field string
	}{
		"OK":                {edit: func(*mail.Message) {}},
		"ErrNoRecipient":    {edit: func(m *mail.Message) { m.To = nil }, field: "to"},
		"ErrBadAddress":     {edit: func(m *mail.Message) { m.To = []string{"ok@example.no", "not an address"} }, field: "to"},
		"ErrBadReplyTo":     {edit: func(m *mail.Message) { m.ReplyTo = "@@" }, field: "reply_to"},
		"ErrEmptyText":      {edit: func(m *mail.Message) { m.Text = " \n" }, field: "text"},
		"OKWithoutHTML":     {edit: func(m *mail.Message) { m.HTML = "" }},
		"OKDisplayNameOnly": {edit: func(m *mail.Message) { m.To = []string{"Åse <ase@example.no>"} }},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := invitation("ase@example.no")
			tc.edit(&m)
			err := m.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			e := app.AsError(err)
			if e == nil || e.Code != app.EInvalid || e.Field != tc.field {
				t.Errorf("Validate = %v, want %s on field %q", err, app.EInvalid, tc.field)
			}
		})
	}
}

func TestFolder(t *testing.T) {
	t.Parallel()

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "mail")
		o := mail.Folder{Dir: dir}
		for range 2 {
			if err := o.Send(t.Context(), invitation("Åse Ødegård <ase@example.no>")); err != nil {
				t.Fatalf("Send: %v", err)
			}
		}
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("mail folder: %v, %v; want mode 0700", fi.Mode(), err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		if len(files) != 2 || files[0] >= files[1] {
			t.Fatalf("files = %q, want two sorted .eml files and nothing else", files)
		}
		for _, f := range files {
			fi, err := os.Stat(f)
			if err != nil || fi.Mode().Perm() != 0o600 || filepath.Ext(f) != ".eml" {
				t.Errorf("%s: mode %v (%v), want an .eml with mode 0600", f, fi.Mode(), err)
			}
			checkEML(t, f)
		}
	})

	t.Run("ErrInvalidMessage", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		err := mail.Folder{Dir: dir}.Send(t.Context(), mail.Message{Text: "x"})
		if app.ErrorCode(err) != app.EInvalid {
			t.Errorf("err = %v, want %s", err, app.EInvalid)
		}
		if files, _ := os.ReadDir(dir); len(files) != 0 {
			t.Errorf("invalid message left %d files", len(files))
		}
	})
}

// checkEML parses a Folder's file with the standard library alone and checks
// its header and decoded UTF-8 text.
func checkEML(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if got, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); got != subject {
		t.Errorf("Subject = %q, want %q", got, subject)
	}
	if list, err := msg.Header.AddressList("From"); err != nil || list[0].Address != "no-reply@samvirke.localhost" {
		t.Errorf("From = %v (%v), want the default sender", list, err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	part, err := mr.NextRawPart()
	if err != nil {
		t.Fatal(err)
	}
	if ct, cte := part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"); !strings.HasPrefix(ct, "text/plain; charset=UTF-8") || cte != "quoted-printable" {
		t.Errorf("first part: %s, %s; want UTF-8 text/plain in quoted-printable", ct, cte)
	}
	text, err := io.ReadAll(quotedprintable.NewReader(part))
	if err != nil || !strings.Contains(string(text), nordic) {
		t.Errorf("text = %q (%v), want it to contain %q", text, err, nordic)
	}
}
