// Entry point: styles, services, the app. The marks (skiff:*) let benches and the browser's
// performance panel see where a load's time goes.
import '@xterm/xterm/css/xterm.css';
import './styles/app.css';
import { createRoot } from 'react-dom/client';
import { App } from './components/app';
import { createServices, ServicesContext } from './state/services';

import { establishSession } from './host/session';

performance.mark('skiff:script');
// The launch token is traded for the session secret before the first host call.
void establishSession(window).then(() => {
  const services = createServices(window);
  performance.mark('skiff:render');
  createRoot(document.getElementById('root')!).render(
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>,
  );
});
