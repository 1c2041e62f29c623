// Entry point: styles, services, the app.
import '@xterm/xterm/css/xterm.css';
import './styles/app.css';
import { createRoot } from 'react-dom/client';
import { App } from './components/app';
import { createServices, ServicesContext } from './state/services';

import { establishSession } from './host/session';

// The launch token is traded for the session secret before the first host call.
void establishSession(window).then(() => {
  const services = createServices(window);
  createRoot(document.getElementById('root')!).render(
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>,
  );
});
