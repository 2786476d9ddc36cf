package web

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/billing"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/org"
)

// billingRoutes registers the owners' billing page, its actions and
// Stripe's webhook. The actions pass in a read-only organisation: paying
// is how it becomes writable again.
func (s *Server) billingRoutes() {
	s.org("GET", "/o/:org/admin/billing", authz.BillingManage, s.handleBilling)
	s.org("POST", "/o/:org/admin/billing/profile", authz.BillingManage, s.handleBillingProfile, ungated())
	s.org("POST", "/o/:org/admin/billing/checkout", authz.BillingManage, s.handleBillingCheckout, ungated())
	s.org("POST", "/o/:org/admin/billing/invoice", authz.BillingManage, s.handleBillingByInvoice, ungated())
	s.org("POST", "/o/:org/admin/billing/portal", authz.BillingManage, s.handleBillingPortal, ungated())
	s.org("GET", "/o/:org/admin/billing/invoices/:invoice/ehf.xml", authz.BillingManage, s.handleBillingEInvoice)
	s.public("POST", "/webhooks/stripe", s.handleStripeWebhook, maxBody(billing.MaxWebhookBody))
}

// billingPage is /o/:org/admin/billing: plan, status, renewal, the
// billing details, what may be bought and the invoices.
type billingPage struct {
	formPage
	Org      *org.Organisation
	Billing  *billing.Overview
	Nonce    string // the forms' idempotency nonce
	Checkout string // "done" or "cancelled" after returning from Checkout
	// Countries are the buyer countries a network may choose.
	Countries []string
}

// billingFields are the billing details form's fields.
var billingFields = []string{"country", "population", "org_number", "buyer_reference", "invoice_email", "street", "postal_code", "city"}

func (s *Server) handleBilling(c *gin.Context) error {
	return s.renderBilling(c, http.StatusOK, &billingPage{})
}

func (s *Server) renderBilling(c *gin.Context, status int, data *billingPage) error {
	o := orgOf(c)
	ov, err := s.Billing.Overview(c.Request.Context(), o)
	if err != nil {
		return err
	}
	data.Org, data.Billing, data.Countries = o, ov, []string{"NO", "SE", "DK"}
	if data.Values == nil && ov.Configured {
		p := ov.Account.Profile()
		data.Values = map[string]string{"country": p.Country, "org_number": p.OrgNumber, "buyer_reference": p.BuyerReference,
			"invoice_email": p.InvoiceEmail, "street": p.Street, "postal_code": p.PostalCode, "city": p.City}
		if p.Population > 0 {
			data.Values["population"] = strconv.Itoa(p.Population)
		}
	}
	if v := c.Query("checkout"); v == "done" || v == "cancelled" {
		data.Checkout = v
	}
	b := make([]byte, 16)
	rand.Read(b)
	data.Nonce = hex.EncodeToString(b)
	data.Layout = s.adminLayout(c, "billing")
	s.render(c, status, "admin/billing.html", data)
	return nil
}

// handleBillingProfile stores who is invoiced; a refused form comes back
// with what was typed and the reason at its field.
func (s *Server) handleBillingProfile(c *gin.Context) error {
	o := orgOf(c)
	data := &billingPage{formPage: formPage{Values: map[string]string{}}}
	for _, k := range billingFields {
		data.Values[k] = strings.TrimSpace(c.PostForm(k))
	}
	again := func(err error) error {
		return s.formAgain(c, &data.formPage, err, func(status int) error { return s.renderBilling(c, status, data) })
	}
	p := billing.Profile{Country: data.Values["country"], OrgNumber: data.Values["org_number"], BuyerReference: data.Values["buyer_reference"],
		InvoiceEmail: data.Values["invoice_email"], Street: data.Values["street"], PostalCode: data.Values["postal_code"], City: data.Values["city"]}
	if v := strings.ReplaceAll(strings.ReplaceAll(data.Values["population"], " ", ""), "\u00a0", ""); v != "" {
		n, err := strconv.Atoi(strings.NewReplacer(".", "", ",", "").Replace(v))
		if err != nil {
			return again(app.Errorf(app.EInvalid, "billing.error.population").WithField("population"))
		}
		p.Population = n
	} else if o.Kind == org.KindMunicipality {
		return again(app.Errorf(app.EInvalid, "error.required").WithField("population"))
	}
	if err := s.Billing.SaveProfile(c.Request.Context(), o, p); err != nil {
		return again(err)
	}
	return s.doneTo(c, "/o/"+o.Slug+"/admin/billing", "billing.page.profile.saved")
}

var nonceRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// billingAction reads the plan and nonce of a subscribe form; errors are
// shown on the billing page.
func (s *Server) billingAction(c *gin.Context, do func(plan, nonce string) error) error {
	nonce := c.PostForm("nonce")
	if !nonceRE.MatchString(nonce) {
		return app.Errorf(app.EInvalid, "error.invalid")
	}
	if err := do(c.PostForm("plan"), nonce); err != nil {
		data := &billingPage{}
		return s.formAgain(c, &data.formPage, err, func(status int) error { return s.renderBilling(c, status, data) })
	}
	return nil
}

// handleBillingCheckout sends the owner to Stripe Checkout to pay by card.
func (s *Server) handleBillingCheckout(c *gin.Context) error {
	return s.billingAction(c, func(plan, nonce string) error {
		url, err := s.Billing.Checkout(c.Request.Context(), orgOf(c), plan, nonce)
		if err == nil {
			c.Redirect(http.StatusSeeOther, url)
		}
		return err
	})
}

// handleBillingByInvoice subscribes the organisation paid by invoice
// (e-invoice for public buyers).
func (s *Server) handleBillingByInvoice(c *gin.Context) error {
	return s.billingAction(c, func(plan, nonce string) error {
		o := orgOf(c)
		if err := s.Billing.SubscribeByInvoice(c.Request.Context(), o, plan, nonce); err != nil {
			return err
		}
		return s.doneTo(c, "/o/"+o.Slug+"/admin/billing", "billing.page.invoice.started")
	})
}

// handleBillingPortal sends the owner to Stripe's Customer Portal.
func (s *Server) handleBillingPortal(c *gin.Context) error {
	url, err := s.Billing.Portal(c.Request.Context(), orgOf(c))
	if err != nil {
		data := &billingPage{}
		return s.formAgain(c, &data.formPage, err, func(status int) error { return s.renderBilling(c, status, data) })
	}
	c.Redirect(http.StatusSeeOther, url)
	return nil
}

// handleBillingEInvoice downloads an invoice's EHF / Peppol BIS 3.0
// document.
func (s *Server) handleBillingEInvoice(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("invoice"), 10, 64)
	if err != nil {
		return app.Errorf(app.ENotFound, "billing.error.invoice_not_found")
	}
	b, name, err := s.Billing.InvoiceDocument(c.Request.Context(), orgOf(c), id)
	if err != nil {
		return err
	}
	c.Header("Content-Disposition", files.ContentDisposition("attachment", name))
	c.Data(http.StatusOK, "application/xml; charset=utf-8", b)
	return nil
}

// handleStripeWebhook receives Stripe's events: 400 for a bad signature
// (nothing stored), 200 once the event is kept and queued.
func (s *Server) handleStripeWebhook(c *gin.Context) error {
	payload, err := io.ReadAll(c.Request.Body)
	if err != nil {
		c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": "body too large"})
		return nil
	}
	err = s.Billing.Receive(c.Request.Context(), payload, c.GetHeader("Stripe-Signature"))
	switch app.ErrorCode(err) {
	case "":
		c.JSON(http.StatusOK, gin.H{"received": true})
	case app.EInvalid:
		c.JSON(http.StatusBadRequest, gin.H{"error": "invalid signature or payload"})
	case app.EUnavailable:
		c.JSON(http.StatusServiceUnavailable, gin.H{"error": "billing is not configured"})
	default:
		s.Logger.Error("stripe webhook", "err", err)
		c.JSON(http.StatusInternalServerError, gin.H{"error": "try again"})
	}
	return nil
}
