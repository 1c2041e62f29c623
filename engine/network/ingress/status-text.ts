// The reason phrases of the answers the ingress proxy gives itself.

export function statusText(status: number): string {
  return (
    {
      308: 'Permanent Redirect',
      400: 'Bad Request',
      301: 'Moved Permanently',
      302: 'Found',
      404: 'Not Found',
      421: 'Misdirected Request',
      500: 'Internal Server Error',
      502: 'Bad Gateway',
      503: 'Service Unavailable',
    }[status] ?? 'Error'
  );
}
