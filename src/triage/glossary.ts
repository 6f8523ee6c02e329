
/**
 * What well-known error codes mean, in the words guides use. These are universal facts
 * (errno values, HTTP statuses, exit codes, signals), not rules about any guide: they let
 * "os error 98" find a section that says "Address already in use".
 */
const GLOSSARY: Array<[RegExp, string]> = [
  [/\bexit(?:ed)?(?: with)? (?:code|status):? ?137\b|\bOOMKilled\b|\bsignal 9\b|\bSIGKILL\b/i, 'killed out of memory'],
  [/\bexit(?:ed)?(?: with)? (?:code|status):? ?139\b|\bSIGSEGV\b|segmentation fault/i, 'crash segmentation fault'],
  [/\bcannot allocate memory\b|\bENOMEM\b|memory allocation of \d+ bytes failed|\bCUDA out of memory\b|\bOutOfMemoryError\b/i, 'out of memory'],
  [/\bos error 98\b|\bEADDRINUSE\b|\berrno 98\b|port is already allocated|bind: address already in use/i, 'address already in use port conflict'],
  [/\bos error 24\b|\bEMFILE\b|\berrno 24\b/i, 'too many open files'],
  [/\bos error 111\b|\bECONNREFUSED\b|\berrno 111\b/i, 'connection refused'],
  [/\bos error 110\b|\bETIMEDOUT\b|\berrno 110\b|\bi\/o timeout\b/i, 'timeout connection timed out'],
  [/\bDeadlineExceeded\b|context deadline exceeded/i, 'timeout deadline exceeded'],
  [/\bos error 13\b|\bEACCES\b|\bEPERM\b/i, 'permission denied'],
  [/\bos error 2\b|\bENOENT\b/i, 'no such file not found'],
  [/\bos error 28\b|\bENOSPC\b|no space left on device/i, 'disk full no space'],
  [/\bno route to host\b|\bEHOSTUNREACH\b|\bnetwork is unreachable\b|\bENETUNREACH\b/i, 'network unreachable connectivity firewall'],
  [/\bconnection reset by peer\b|\bECONNRESET\b|\bbroken pipe\b|\bEPIPE\b/i, 'connection reset disconnected'],
  // gRPC status codes, in words.
  [/\bcode = Unauthenticated\b/, 'authentication unauthorized'],
  [/\bcode = PermissionDenied\b/, 'permission denied'],
  [/\bcode = ResourceExhausted\b/, 'resource exhausted limit'],
  [/\bENOTFOUND\b|\bEAI_AGAIN\b|\bNXDOMAIN\b|no such host|name or service not known|temporary failure in name resolution/i, 'dns name resolution failed lookup'],
  [/\bx509\b|\bUnknownIssuer\b|invalid peer certificate|certificate verify failed|certificate has expired|self[- ]signed certificate|unknown authority/i, 'tls ssl certificate'],
  [/\bHTTP\/[\d.]+"? 401\b|\b401 (?:Client Error|Unauthorized)\b|\bUnauthorized\b/i, 'authentication unauthorized 401'],
  [/\b403 (?:Client Error|Forbidden)\b|\bForbidden\b/i, 'forbidden permission 403'],
  [/\b429\b(?: Too Many Requests)?|too many requests/i, 'rate limit exceeded 429'],
  [/\b500 Internal Server Error\b/i, 'internal server error 500'],
  [/\b502 Bad Gateway\b|\bBad Gateway\b/i, 'bad gateway proxy load balancer upstream connection 502'],
  [/\b503 Service Unavailable\b/i, 'service unavailable 503'],
  [/\b504 Gateway Time-?out\b/i, 'gateway timeout 504'],
  // What Kubernetes, Docker and systemd print for conditions guides name otherwise.
  [/\bBack-off restarting failed container\b/i, 'CrashLoopBackOff crash restarting'],
  [/\bBack-off pulling image\b|\bErrImagePull\b|\bpull access denied\b|\bmanifest unknown\b/i, 'ImagePullBackOff image pull'],
  [/\bFailedScheduling\b|\b\d+\/\d+ nodes are available\b|\buntolerated taint\b|\bUnschedulable\b/i, 'pending scheduling insufficient resources'],
  [/\bMountVolume\.\w+ failed\b|\bUnable to (?:attach or )?mount volumes\b/i, 'FailedMount mount volume'],
  [/\bquantities must match the regular expression\b/i, 'invalid resource format quantity'],
  [/\bCannot connect to the Docker daemon\b|\bdocker\.sock\b/i, 'docker not available daemon'],
  [/\bfailed to solve\b|^\s*=> ERROR \[/im, 'docker image build failed'],
  [/\bstatus=\d+\/[A-Z]+\b|\bMain process exited\b|\bFailed with result '/, 'systemd service failed'],
  // Python and HTTP client libraries.
  [/\bModuleNotFoundError\b|\bNo module named\b|\bImportError\b/, 'module not found dependency missing'],
  [/\bConnectionRefusedError\b|\bhttpx\.ConnectError\b|\bNewConnectionError\b/, 'connection refused'],
  [/\bCERTIFICATE_VERIFY_FAILED\b|\bcertificate is valid for\b/, 'tls ssl certificate'],
  [/\brate_limit_error\b|\bRateLimitError\b|\brate limit reached\b/i, 'rate limit exceeded 429'],
  [/\binvalid_api_key\b|\bincorrect API key\b|\bAuthenticationError\b/i, 'authentication api key invalid'],
  [/\bmaximum context length\b|\bcontext_length_exceeded\b|\bcontext window\b/i, 'token limit context length'],
  // GPUs.
  [/\bcudaMalloc failed\b|\bCUBLAS_STATUS_ALLOC_FAILED\b/i, 'out of memory gpu'],
  [/\bno CUDA-capable device\b|\bcould not select device driver\b|\bNVIDIA-SMI has failed\b|\bCUDA driver version is insufficient\b|\bFound no NVIDIA driver\b/i, 'gpu not detected cuda'],
  // Everyday words for a slow or a stuck process, in the words guides use.
  [/\b(slow(?:er|ly|ness)?|sluggish|laggy|latency|(?:takes?|taking|took) (?:forever|ages|\S+ (?:seconds|secs|minutes|mins)))\b/i, 'slow performance latency'],
  [/\b(freez(?:e|es|ing)|frozen|hangs?|hanging|hung|stuck|unresponsive|not responding|doesn'?t respond)\b/i, 'hanging unresponsive'],
];

/** Technologies known by more than one name (the conditions above are what went wrong, these are what it went wrong in). */
const CONCEPTS: Array<[RegExp, string]> = [
  // Service discovery on a local network is multicast DNS, whichever library logs it.
  [/\bmulticast\b|\bmDNS\b|\bzeroconf\b|\bbonjour\b|\bavahi\b|\b224\.0\.0\.251\b/i, 'mdns multicast discovery'],
];

/** Words to add to the query for the codes a paste contains. */
export function expand(text: string): string[] {
  return [...GLOSSARY, ...CONCEPTS].filter(([re]) => re.test(text)).map(([, words]) => words);
}
