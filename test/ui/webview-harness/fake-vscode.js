// Stands in for VS Code's webview API: records what the panel posts (window.harnessPosted), keeps
// its state, notes CSP violations and errors, and applies the theme named in ?theme=.
(() => {
  window.harnessPosted = [];
  window.harnessCspViolations = [];
  window.harnessErrors = [];
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => {
      const copy = JSON.parse(JSON.stringify(m));
      window.harnessPosted.push(copy);
      // A scenario may play the host's part (e.g. answer loadOlder with the next history page).
      window.harnessOnPost?.(copy);
    },
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  });
  document.addEventListener('securitypolicyviolation', (e) => {
    window.harnessCspViolations.push(
      `${e.violatedDirective}: ${e.blockedURI || '(inline)'} ${e.sample} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
    );
  });
  window.addEventListener('error', (e) => window.harnessErrors.push(String(e.message)));
  /** Delivers a host message the way VS Code does (a window message event). */
  window.harnessSend = (msg) => window.postMessage(msg, '*');
  window.harnessApplyTheme(new URLSearchParams(location.search).get('theme') ?? 'dark');
})();
