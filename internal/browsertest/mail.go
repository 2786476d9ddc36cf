package browsertest

import (
	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/mail/mailtest"
)

// WithMail makes the server send its e-mail through the in-process SMTP
// server m (plain SMTP, no TLS), so that a test reads what users would
// receive:
//
//	smtp := mailtest.Start(t)
//	srv := browsertest.StartServer(t, browsertest.WithMail(smtp))
//	… invite kari@example.no …
//	link := smtp.WaitFor(t, "kari@example.no", 30*time.Second).Links()[0]
//
// It also lets the links in e-mail lead to this server: StartServer's
// base URL has no port (the port is chosen when the server listens), so
// WithMail sets it to "http://" + Addr, the value the configuration gives
// an unset SAMVIRKE_BASE_URL, which the program replaces with the address
// it listens on.
func WithMail(m *mailtest.Server) Option {
	return func(c *config.Config) {
		c.SMTPHost = m.Host()
		c.SMTPPort = m.Port()
		c.SMTPUsername, c.SMTPPassword = "", ""
		c.SMTPTLS = "none"
		c.MailFrom = "Samvirke <no-reply@samvirke.test>"
		c.BaseURL = "http://" + c.Addr
	}
}
