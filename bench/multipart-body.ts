/** A complete multipart/form-data request body and the content-type header that goes with it. */
export interface MultipartBody {
  body: Buffer;
  contentType: string;
}

// Fixed, so every request of every run is byte-for-byte the same.
const BOUNDARY = '----litecnn-bench-boundary-7d3c1f0a';

/** The body `curl -F image=@photo.jpg` would send: one file part named `image`. */
export function buildMultipartBody(image: Buffer, field = 'image', filename = 'photo.jpg', type = 'image/jpeg'): MultipartBody {
  const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  const tail = `\r\n--${BOUNDARY}--\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head, 'latin1'), image, Buffer.from(tail, 'latin1')]),
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
  };
}
