// Entry point of the embedded GraphiQL playground. Everything it needs comes
// from the page: the Go handler writes the endpoint, title and examples into
// <script type="application/json" id="config">, so this bundle stays static
// (and cacheable) and no inline executable script is needed under the CSP.
import React, { useEffect, useRef } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { useEditorContext } from '@graphiql/react';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/graphiql.css';
import './playground.css';

const config = JSON.parse(document.getElementById('config').textContent);
const examples = (config.examples || []).map((ex) => ({
  name: ex.name,
  // The tab title comes from the operation name, so a leading comment keeps
  // the example's human name visible inside the editor.
  query: ex.query.startsWith('#') ? ex.query : `# ${ex.name}\n${ex.query}`,
  variables: ex.variables || null,
}));

// A link may open the playground on a query of its own (the entity pages
// do: /?query=…&variables=…); it comes first and is the active tab.
const params = new URLSearchParams(window.location.search);
const linked = params.get('query')
  ? { query: params.get('query'), variables: params.get('variables') || null }
  : null;
const tabs = linked ? [linked, ...examples] : examples;

// Resolve against the page so a relative endpoint works behind a path prefix.
const fetcher = createGraphiQLFetcher({
  url: new URL(config.endpoint, document.baseURI).href,
});

// ExampleList is the visible note naming the examples. Each name switches to
// the example's tab, or reopens it when the tab was closed or when tabs stored
// from an earlier visit replaced the defaults (GraphiQL only uses defaultTabs
// when localStorage holds none).
function ExampleList() {
  const { tabs, activeTabIndex, addTab, changeTab, queryEditor, variableEditor } =
    useEditorContext({ nonNull: true });
  const pending = useRef(null);
  const synced = useRef(false);

  // GraphiQL 3 fills the first tab's query editor from defaultTabs but not
  // its variables editor; copy the active tab's variables in once.
  useEffect(() => {
    if (synced.current || !variableEditor) return;
    synced.current = true;
    const want = tabs[activeTabIndex]?.variables ?? '';
    if (variableEditor.getValue() !== want) variableEditor.setValue(want);
  }, [variableEditor, tabs, activeTabIndex]);

  // addTab fills the new tab with the default query during React's next
  // render, so the example is written once that tab is active.
  useEffect(() => {
    const ex = pending.current;
    if (ex && activeTabIndex === tabs.length - 1) {
      pending.current = null;
      queryEditor?.setValue(ex.query);
      variableEditor?.setValue(ex.variables ?? '');
    }
  }, [tabs.length, activeTabIndex, queryEditor, variableEditor]);

  if (examples.length === 0) return null;
  const open = (ex) => {
    const i = tabs.findIndex((t) => t.query === ex.query);
    if (i >= 0) {
      changeTab(i);
      return;
    }
    pending.current = ex;
    addTab();
  };
  return (
    <div className="cg-examples">
      <span>Examples (one tab each):</span>
      {examples.map((ex) => (
        <button key={ex.name} type="button" onClick={() => open(ex)}>
          {ex.name}
        </button>
      ))}
    </div>
  );
}

function Playground() {
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={tabs.length ? tabs[0].query : undefined}
      defaultTabs={
        tabs.length ? tabs.map(({ query, variables }) => ({ query, variables })) : undefined
      }
      // With tabs stored from an earlier visit, defaultTabs is unused: the
      // query prop still puts the linked query in the active tab.
      query={linked ? linked.query : undefined}
      variables={linked && linked.variables ? linked.variables : undefined}
      defaultEditorToolsVisibility={examples.some((ex) => ex.variables) ? 'variables' : false}
    >
      <GraphiQL.Logo>{config.title}</GraphiQL.Logo>
      <GraphiQL.Footer>
        <ExampleList />
      </GraphiQL.Footer>
    </GraphiQL>
  );
}

createRoot(document.getElementById('graphiql')).render(<Playground />);
