package web

import (
	"errors"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
)

// limitBody refuses a request body over n bytes before anything reads it,
// and parses form bodies here, first, within that limit:
//   - a declared Content-Length over n answers 413 at once;
//   - any other body is read through http.MaxBytesReader, so a body that
//     grows past n (chunked, or lying about its length) fails as it is read;
//   - multipart forms are parsed with the whole limit as memory budget, so
//     no part is ever spooled to a temporary file, and whatever form was
//     parsed is removed when the request ends. (Middleware replaces
//     c.Request with WithContext copies; net/http only cleans up the form
//     of the request it started with.)
func (s *Server) limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := c.Request
		if r.ContentLength > n {
			c.Header("Connection", "close") // do not read the rest
			s.writeError(c, tooLarge(n))
			return
		}
		r.Body = http.MaxBytesReader(c.Writer, r.Body, n)
		defer func() {
			for _, req := range []*http.Request{r, c.Request} {
				if req.MultipartForm != nil {
					req.MultipartForm.RemoveAll()
				}
			}
		}()
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := parseForm(r, n); err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					c.Header("Connection", "close")
					s.writeError(c, tooLarge(n))
					return
				}
				s.writeError(c, app.Errorf(app.EInvalid, "error.bad_form").Wrap(err))
				return
			}
		}
		c.Next()
	}
}

// parseForm parses a form body of r, if it has one.
func parseForm(r *http.Request, n int64) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		// The memory budget is the body limit: a file part can never be
		// larger, so none goes to disk.
		return r.ParseMultipartForm(n)
	case "application/x-www-form-urlencoded":
		return r.ParseForm()
	}
	return nil
}

// tooLarge is the error of a body over n bytes.
func tooLarge(n int64) error {
	return app.Errorf(app.ETooLarge, "error.too_large.text", "size", app.ByteSize(n))
}

// bindJSON decodes the JSON body into v: a body over the route's limit is
// app.ETooLarge, anything else that does not decode app.EInvalid.
func bindJSON(c *gin.Context, v any) error {
	if err := c.ShouldBindJSON(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(mbe.Limit)
		}
		return app.Errorf(app.EInvalid, "error.invalid.text").Wrap(err)
	}
	return nil
}
