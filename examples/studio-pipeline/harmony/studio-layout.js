/*
 * The studio's Harmony-side code (ES5), injected into every scene by the hub (harmony.scripts):
 *   - studio.layout.describe { node } -> { x, y, scaleX, scaleY }: what the Extract Layout plugin publishes;
 *   - the "layout" loader's Harmony half.
 */
(function () {
  function num(peg, attr) {
    return Number(node.getTextAttr(peg, 1, attr));
  }

  dcckit.serve('studio.layout.describe', function (args) {
    if (!node.type(args.node)) throw new Error('the layout peg ' + args.node + ' is not in the scene');
    return { x: num(args.node, 'POSITION.X'), y: num(args.node, 'POSITION.Y'), scaleX: num(args.node, 'SCALE.X'), scaleY: num(args.node, 'SCALE.Y') };
  });

  function apply(peg, v) {
    node.setTextAttr(peg, 'POSITION.X', 1, String(v.x));
    node.setTextAttr(peg, 'POSITION.Y', 1, String(v.y));
    node.setTextAttr(peg, 'SCALE.X', 1, String(v.scaleX));
    node.setTextAttr(peg, 'SCALE.Y', 1, String(v.scaleY));
  }

  dcckitPipeline.registerLoader('layout', {
    load: function (args, container) {
      var peg = node.add('Top', args.name, 'PEG', 0, -300, 0);
      if (!peg) throw new Error('Harmony refused to create the PEG ' + args.name);
      apply(peg, args.values);
      container.nodes = [peg];
    },
    update: function (args, container) {
      var peg = container.nodes[0];
      if (!node.type(peg)) throw new Error('its peg ' + peg + ' is not in the scene any more: remove the container and load again');
      apply(peg, args.values);
    }
  });
}());
