package files

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says where an S3-compatible bucket is (MinIO, Ceph, AWS …).
type S3Config struct {
	Endpoint  string // host[:port], no scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // "" lets the client ask the server
	UseTLS    bool
}

// S3 keeps blobs in an S3-compatible bucket under the keys ab/cd/<sha>,
// shared by every web and worker process. Objects are written with one
// PUT, which S3 makes visible whole or not at all.
type S3 struct {
	client *minio.Client
	bucket string
}

// OpenS3 connects to c's bucket, creating it when it does not exist. The
// errors name the setting to look at.
func OpenS3(ctx context.Context, c S3Config) (*S3, error) {
	client, err := minio.New(c.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: c.UseTLS,
		Region: c.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("SAMVIRKE_FILES_S3_ENDPOINT: %v", err)
	}
	ok, err := client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("SAMVIRKE_FILES_S3_*: cannot reach bucket %q at %s (%v); check the endpoint, keys and SAMVIRKE_FILES_S3_USE_TLS", c.Bucket, c.Endpoint, err)
	}
	if !ok {
		if err := client.MakeBucket(ctx, c.Bucket, minio.MakeBucketOptions{Region: c.Region}); err != nil {
			return nil, fmt.Errorf("SAMVIRKE_FILES_S3_BUCKET: bucket %q does not exist and cannot be created (%v); create it or give the keys the right to", c.Bucket, err)
		}
	}
	return &S3{client: client, bucket: c.Bucket}, nil
}

// Put uploads r as sha unless the object exists.
func (s *S3) Put(ctx context.Context, sha string, r io.Reader, size int64) error {
	key, err := blobKey(sha)
	if err != nil {
		return err
	}
	if _, err := s.Stat(ctx, sha); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotExist) {
		return err
	}
	_, err = s.client.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return fmt.Errorf("files: s3 put %s: %w", sha, err)
	}
	return nil
}

// Open answers the content of sha.
func (s *S3) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	key, err := blobKey(sha)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s3Err(sha, err)
	}
	// GetObject is lazy: Stat makes the request, so a missing object is
	// reported here rather than at the first read.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, s3Err(sha, err)
	}
	return obj, nil
}

// Stat answers the size of sha.
func (s *S3) Stat(ctx context.Context, sha string) (int64, error) {
	key, err := blobKey(sha)
	if err != nil {
		return 0, err
	}
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return 0, s3Err(sha, err)
	}
	return info.Size, nil
}

func s3Err(sha string, err error) error {
	if code := minio.ToErrorResponse(err).Code; code == minio.NoSuchKey || code == "NotFound" {
		return fmt.Errorf("%w: %s", ErrNotExist, sha)
	}
	return fmt.Errorf("files: s3 %s: %w", sha, err)
}
