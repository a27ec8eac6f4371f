/**
 * The members of Harmony 24's global scripting objects as documented in the Toon Boom Harmony 24 Script
 * Interface reference (docs.toonboom.com/help/harmony-24/scripting/), stated as facts: for each global object
 * (and sub-module such as Drawing.query), each documented member with its arity, "name/N" or "name/MIN-MAX"
 * for a method (optional parameters make a range; overloads are merged), "name@" for a property. The list
 * was taken from the reference (via the bryab/tba-types declarations generated from it) and is data the
 * simulator and its conformance table read, not code.
 */
export const DOCUMENTED_API: Readonly<Record<string, string>> = {
  about: 'advanced@ applicationPath@ binaryPath@ buildNumber@ controlCenterApp@ databaseMode@ demoVersion@ ' +
    'educVersion@ essentials@ fullVersion@ getApplicationPath/0 getBinaryPath/0 getBuildNumber/0 getFlavorString/0 ' +
    'getMajorVersion/0 getMinorVersion/0 getPatchVersion/0 getResourcesPath/0 getUserName/0 getVersionInfoStr/0 ' +
    'harmony@ interactiveApp@ isControlCenterApp/0 isDatabaseMode/0 isDemoVersion/0 isEducVersion/0 isFullVersion/0 ' +
    'isGameStoryboard/0 isGameStudio/0 isHarmony/0 isInteractiveApp/0 isLinuxArch/0 isMacArch/0 isMacIntelArch/0 ' +
    'isMacPpcArch/0 isMainApp/0 isPaintMode/0 isScanApp/0 isStage/0 isStageAdvanced/0 isStageEssentials/0 ' +
    'isStoryboard/0 isWindowsArch/0 isXsheetMode/0 linuxArch@ macArch@ macIntelArch@ macPpcArch@ mainApp@ ' +
    'majorVersion@ minorVersion@ paintMode@ patchVersion@ productName/0 resourcesPath@ scanApp@ stage@ storyboard@ ' +
    'userName@ windowsArch@ xsheetMode@',
  Action: 'getActionList/1 getResponderList/0 perform/1-3 performForEach/2 validate/1-2',
  Backdrop: 'addBackdrop/2 backdrops/1 contains/2 nodes/1 removeBackdrop/1-2 setBackdrops/2',
  CELIO: 'getInformation/1-2 getLayerGroupInformation/1 getLayerInformation/1 writeLayeredFile/4-5',
  column: 'add/2-3 addKeyDrawingExposureAt/2 clearKeyFrame/2 columnMarkers/1 createDrawing/2 deleteDrawingAt/2 ' +
    'duplicateDrawingAt/2 fillEmptyCels/3 generateAnonymousName/0 generateTiming/3 getColorForXSheet/1 ' +
    'getColumnListOfType/1 getCurrentVersionForDrawing/2 getDisplayName/1 getDrawingColumnList/0 getDrawingName/2 ' +
    'getDrawingTimings/1 getDrawingType/2 getElementIdOfDrawing/1 getEntry/3 getImageBlock/3 getName/1 ' +
    'getNextKeyDrawing/2 getPos/1 getTextOfExpr/1 getTimesheetEntry/3 importSound/3 isKeyFrame/3 lineTestFill/5 move/2 ' +
    'numberOf/0 removeDuplicateKeyDrawingExposureAt/2 removeKeyDrawingExposureAt/2 removeSoundColumn/1 ' +
    'removeUnlinkedFunctionColumn/1 rename/2 renameDrawing/3 renameDrawingWithPrefix/3 resetColorForXSheet/1 ' +
    'selected/0 setColorForXSheet/2 setDrawingType/3 setElementIdOfDrawing/2 setEntry/4 setKeyFrame/2 setTextOfExpr/2 ' +
    'soundColumn/1 type/1 update/0 velocityType/1',
  compositionOrder: 'buildCompositionOrderForDisplay/1 buildDefaultCompositionOrder/0',
  copyPaste: 'copy/4 copyFromTemplate/4 createTemplateFromSelection/2 getCurrentCreateOptions/0 ' +
    'getCurrentPasteOptions/0 paste/5 pasteActionTemplateIntoNode/3-4 pasteNewNodes/3 pasteTemplateIntoGroup/3 ' +
    'pasteTemplateIntoScene/3 registerObjects/1 setExtendScene/1 setNumFramesSrc/1 ' +
    'setPasteSpecialAddRemoveAngleKeyFrame/1 setPasteSpecialAddRemoveMotionKeyFrame/1 ' +
    'setPasteSpecialAddRemoveScalingKeyFrame/1 setPasteSpecialAddRemoveSkewKeyFrame/1 ' +
    'setPasteSpecialAddRemoveVelocityKeyFrame/1 setPasteSpecialColorPaletteOption/1 setPasteSpecialCopyModelDir/1 ' +
    'setPasteSpecialCopyScanFiles/1 setPasteSpecialCreateNewColumn/1 setPasteSpecialDefaultCameraName/0-1 ' +
    'setPasteSpecialDrawingAction/1 setPasteSpecialDrawingAutomaticExtendExposure/2 setPasteSpecialDrawingFileMode/1 ' +
    'setPasteSpecialElementTimingColumnMode/1 setPasteSpecialForcesKeyFrameAtBegAndEnd/1 setPasteSpecialFullTransfer/1 ' +
    'setPasteSpecialMatchNodeName/1 setPasteSpecialOffsetKeyFrames/1 setPasteSpecialReplaceExpressionColumns/1 ' +
    'setPasteSpecialTVPreserveName/1 setStartFrameSrc/1 useCreateTemplateSpecial/1-4 usePasteSpecial/1',
  DeformationUtils: 'createVertexTransform/1 getDeformationComponentMatrix/2',
  Drawing: 'Key/1 create/2-4 filename/2 getMetaData/1 getModificationCounter/1 getPivot/1 isExists/2 name/2 numberOf/1 ' +
    'setMetaData/1 setPivot/1',
  'Drawing.font': 'getDefaultId/0 getId/1 getList/0',
  'Drawing.geometry': 'createCircle/1 createRectangle/1 discretize/1 evaluate/1 fit/1 getClosestPoint/1 getConstants/0 ' +
    'getIntersections/1 insertPoints/1 pathIsContaining/1 split/1',
  'Drawing.query': 'evaluateStrokes/1 getBox/1 getClosestPoint/1 getData/1 getIntersections/1 getLayerStrokes/1 ' +
    'getNumberOfLayers/1 getStrokes/1',
  'Drawing.selection': 'clear/0 get/1 set/1',
  'Drawing.text': 'getTextLayers/1',
  'Drawing.Text': 'appendToTextLayers/1 createTextLayers/1 eraseTextLayers/1',
  DrawingTools: 'allArts@ changeDrawingBitmapLayerResolution/2-3 changeDrawingVectorLayerResolution/2-3 clearArt/1 ' +
    'colourArt@ computeBreakingTriangles/0-1 convertPencilToBrush/0-2 createLayers/1 deleteLayers/1 deleteStrokes/1 ' +
    'eraseLayers/1 extractCenterline/0-3 flatten/1 getDrawingUsedColors/1 getDrawingUsedColorsWithSource/1 ' +
    'getMultipleDrawingsUsedColors/1 lineArt@ modifyLayers/1 modifyStrokes/1 optimize/1 overlayArt@ paintAt/1 ' +
    'recolorDrawing/2 setCurrentArt/1 setCurrentDrawingFromColumnName/1-2 setCurrentDrawingFromNodeName/1-2 ' +
    'underlayArt@ vectorize/0',
  element: 'add/5 completeFolder/1 fieldChart/1 folder/1 getNameById/1 id/1 modify/5 numberOf/0 physicalName/1 ' +
    'pixmapFormat/1 remove/2 renameById/2 scanType/1 vectorType/1',
  exporter: 'cleanExportDir/0 exportGIF/0-1 exportMovie/0-1 exportOGLToQuicktime/2-6 exportToProRes/0-1 ' +
    'exportToQuicktime/1-10 getExportDir/0',
  FileDialog: 'getExistingDirectory/0-3 getOpenFileName/0-3 getOpenFileNames/0-4 getSaveFileName/0-3',
  fileMapper: 'fileURLToPath/1 toNativePath/1 toScenePath/1',
  frame: 'current/0 insert/2-3 numberOf/0 remove/2-3 setCurrent/1 setNumberOf/1',
  func: 'addCtrlPointAfterPath3d/8 addKeyFramePath3d/8 angleEaseIn/2 angleEaseOut/2 convertToSeparate/2 ' +
    'holdStartFrame/1 holdStep/1 holdStopFrame/1 numberOfPoints/1 numberOfPointsPath3d/1 pointBiasPath3d/2 ' +
    'pointConstSeg/2 pointContinuity/2 pointContinuityPath3d/2 pointEaseIn/2 pointEaseOut/2 pointHandleLeftX/2 ' +
    'pointHandleLeftY/2 pointHandleRightX/2 pointHandleRightY/2 pointLockedAtFrame/2 pointTensionPath3d/2 pointX/2 ' +
    'pointXPath3d/2 pointY/2 pointYPath3d/2 pointZPath3d/2 removePointPath3d/2 setBezierPoint/9 setEasePoint/9 ' +
    'setHoldStartFrame/2 setHoldStep/2 setHoldStopFrame/2 setPath3dPointConstantSegment/3 ' +
    'setPath3dPointConstantSegmentForFrame/3 setPointPath3d/8 setVeloBasedPoint/3 tensionEase/1',
  Input: 'getItem/1-6 getNumber/0-7 getText/0-4',
  KeyModifiers: 'IsAlternatePressed/0 IsControlPressed/0 IsShiftPressed/0 IsSpacePressed/0',
  library: 'getQuicktimeMovieForSelectedTpl/9 getSelectedTemplate/1 getThumbnailForSelectedTpl/3 ' +
    'numberOfTemplatesSelected/0',
  MessageBox: 'critical/1-6 information/1-6 warning/1-6',
  MessageLog: 'clearLog/0 debug/1 error/1 getLog/0 isDebug/0 setDebug/1 trace/1',
  MovieImport: 'doImport/0 image/1 isAudioFileCreated/0 numberOfImages/0 setAudioFile/1 setImageFolder/1 ' +
    'setImagePrefix/1 setMovieFilename/1 setStartFrame/1 setStopFrame/1',
  node: 'add/6 addCompositeToGroup/1 clearCacheDisabledState/0-1 coordX/1 coordY/1 coordZ/1 createDynamicAttr/5 ' +
    'createGroup/2 deleteNode/1-3 dstNode/3 dstNodeInfo/3 equals/2 explodeElementSymbolsInGroups/3-4 explodeGroup/1 ' +
    'flatSrcNode/2 getAllAttrKeywords/1 getAllAttrNames/1 getAllCachedNodes/0-1 getAttr/3 getAttrList/2-3 ' +
    'getCacheFillLevel/0 getCached/1 getCameras/0 getColor/1 getColorOverride/1 getDefaultCamera/0 getElementId/1 ' +
    'getEnable/1 getGroupInputModule/5 getGroupOutputModule/5 getLocked/1 getMatrix/2 getMaxVersionNumber/1 getName/1 ' +
    'getNodes/1 getPivot/2 getShowTimelineThumbnails/1 getTextAttr/3 getTimelineTag/1 getTimelineTagList/0-2 ' +
    'getVersion/1 groupAtNetworkBuilding/1 height/1 isControlShown/1 isGroup/1 isLinked/2 isSupportingCache/1 link/4-6 ' +
    'linkAttr/3 linkedColumn/2 moveToGroup/2 noNode/0 numberOfInputPorts/1 numberOfOutputLinks/2 numberOfOutputPorts/1 ' +
    'numberOfSubNodes/1 parentNode/1 removeDynamicAttr/2 rename/2-3 resetColor/1 root/0 setAsDefaultCamera/1 ' +
    'setAsGlobalDisplay/1 setCached/2 setColor/2 setCoord/3-4 setEnable/2 setGlobalToDisplayAll/0 setLocked/2 ' +
    'setOutlineMode/2 setShowTimelineThumbnails/2 setTextAttr/4 setTimelineTag/2 setVersion/2 showControls/2 srcNode/2 ' +
    'srcNodeInfo/2 srcPortIsMattePort/2 subNode/2 subNodeByName/2 subNodes/1 type/1 unlink/2 unlinkAttr/2 width/1',
  PaletteManager: 'applyColorSelection/0 getColorId/1 getColorName/1 getCurrentColorId/0 getCurrentColorName/0 ' +
    'getCurrentPaletteId/0 getCurrentPaletteName/0 getCurrentPalettePath/0 getCurrentPaletteSize/0 getNumPalettes/0-1 ' +
    'getPaletteId/1-2 getPaletteName/1-2 getPalettePath/1-2 removeUnusedFiles/1 setCurrentColorById/1 ' +
    'setCurrentPaletteAndColorById/2 setCurrentPaletteById/1 setCurrentPencilTextureById/1',
  PaletteObjectManager: 'getNumPaletteLists/0 getPalette/1 getPaletteListByElementId/1 getPaletteListById/1 ' +
    'getPaletteListByIndex/1 getScenePaletteList/0 removePaletteReferencesAndDeleteOnDisk/1',
  PenstyleManager: 'changeCurrentPenstyleCenterlineSmoothness/1 changeCurrentPenstyleMaximumSize/1 ' +
    'changeCurrentPenstyleMinimumSize/1 changeCurrentPenstyleOutlineSmoothness/1 currentToolName/0 ' +
    'exportPenstyleListToString/0 exportPenstyleToString/1 getCurrentPenstyleCenterlineSmoothness/0 ' +
    'getCurrentPenstyleEraserFlag/0 getCurrentPenstyleIndex/0 getCurrentPenstyleMaximumSize/0 ' +
    'getCurrentPenstyleMinimumSize/0 getCurrentPenstyleName/0 getCurrentPenstyleOutlineSmoothness/0 ' +
    'getNumberOfPenstyles/0 getPenstyleName/1 importPenstyleListFromString/1 savePenstyles/0 ' +
    'setCurrentPenstyleByIndex/1 setCurrentPenstyleByName/1',
  preferences: 'getBool/1-2 getColor/1-2 getDouble/1-2 getInt/1-2 getString/1-2 setBool/2 setColor/2 setDouble/2 ' +
    'setInt/2 setString/2',
  PythonManager: 'addSysPath/1 createPyObject/2 getPyObjects/0 wrapFunction/1',
  render: 'cancelRender/0 disconnect/0 frameReady@ nodeFrameReady@ renderFinished@ renderNodes/3 renderScene/2 ' +
    'renderSceneAll/0 setAutoThumbnailCropping/1 setBgColor/1 setCombine/2 setFieldType/1 setRenderDisplay/1 ' +
    'setResolution/2 setResolutionName/1 setWhiteBackground/1 setWriteEnabled/1',
  scene: 'beginUndoRedoAccum/1 cancelUndoRedoAccum/0 checkFiles/1 clearHistory/0 clearRedo/0 closeScene/0 ' +
    'closeSceneAndExit/0 closeSceneAndOpen/3-5 closeSceneAndOpenOffline/1 colorSpace/0 colorSpaceNames/0 ' +
    'coordAtCenterX/0 coordAtCenterY/0 currentContainerPath/0 currentEnvironment/0 currentEnvironmentPath/0 ' +
    'currentJob/0 currentJobPath/0 currentProjectPath/0 currentProjectPathRemapped/0 currentResolutionX/0 ' +
    'currentResolutionY/0 currentScene/0 currentVersion/0 currentVersionName/0 defaultResolutionFOV/0 ' +
    'defaultResolutionName/0 defaultResolutionX/0 defaultResolutionY/0 description/0 endUndoRedoAccum/0 fromOGL/1 ' +
    'fromOGLX/1 fromOGLY/1 fromOGLZ/1 getCameraMatrix/1 getDefaultDisplay/0 getFrameRate/0 getMissingPalettes/2 ' +
    'getProcessingBitDepth/0 getStartFrame/0 getStopFrame/0 hasBeenDirty/0 isDirty/0 metadata/1-2 metadatas/0 ' +
    'namedResolutionX/1 namedResolutionY/1 namedResolutions/0 numberOfUnitsX/0 numberOfUnitsY/0 numberOfUnitsZ/0 ' +
    'redo/0-1 removeMetadata/1 saveAll/0 saveAs/1 saveAsNewVersion/1-2 setColorSpace/1 setCoordAtCenter/2 ' +
    'setDefaultResolution/3 setDefaultResolutionName/1 setDefaultTexturePixelDensityforBitmapDrawings/0-1 ' +
    'setDefaultTexturePixelDensityforVectorDrawings/0-1 setDescription/1 setFrameRate/1 setMetadata/1 ' +
    'setNumberOfUnits/3 setProcessingBitDepth/1 setStartFrame/1 setStopFrame/1 setUnitsAspectRatio/2 tempProjectPath/0 ' +
    'tempProjectPathRemapped/0 toOGL/1 toOGLX/1 toOGLY/1 toOGLZ/1 undo/0-1 unitsAspectRatioX/0 unitsAspectRatioY/0',
  SceneOffline: 'createDatabasePartialUpdatePackage/1',
  ScriptManager: 'addAction/1 addMenuItem/1 addShortcut/1 addToolbar/1',
  selection: 'addBackdropToSelection/1-2 addColumnToSelection/1 addDrawingColumnToSelection/1 addNodeToSelection/1 ' +
    'addNodesToSelection/1 addSubSelectionForNode/2 addWaypointToSelection/1 attributeFromSubSelectionId/2 ' +
    'clearSelection/0 clearSubSelectionForNode/1 extendSelectionWithColumn/1 isSelectionRange/0 ' +
    'numberOfColumnsSelected/0 numberOfFrames/0 numberOfNodesSelected/0 removeBackdropFromSelection/1-2 ' +
    'removeNodeFromSelection/1 removeWaypointFromSelection/1 selectAll/0 selectedBackdrops/0 selectedColumn/1 ' +
    'selectedNode/1 selectedNodes/0 selectedWaypoint/1 selectedWaypoints/0 setSelectionFrameRange/2 startFrame/0 ' +
    'subSelectionForNode/1 subSelectionIdFromAttribute/1',
  sound: 'copy/2 getSoundtrack/2 getSoundtrackAll/0 isUnicode/1 setChannelCount/1 setChannelSize/1 setFrameRate/1 ' +
    'setSampleRate/1 soundReady@',
  specialFolders: 'app@ bin@ bin32@ config@ database@ etc@ htmlHelp@ lang@ legacyPlugins@ library@ platform@ plugins@ ' +
    'resource@ root@ temp@ templateLibrary@ userConfig@ userLayouts@ userScripts@',
  SyncLayer: 'syncLayers/2 unsyncLayer/1',
  System: 'getenv/1 println/1 processOneEvent/0',
  Timeline: 'centerOnFrame/1 changeFrameMarkerType/3 createFrameMarker/3 deleteFrameMarker/2 filterFrameMarkers/2 ' +
    'firstFrameSel/0 frameMarkerTypes/0 getAllFrameMarkers/1 getFrameMarker/2 isAncestorOf/2 layerIsColumn/1 ' +
    'layerIsNode/1 layerToColumn/1 layerToNode/1 moveFrameMarker/3 numFrameSel/0 numLayerSel/0 numLayers/0 ' +
    'parentNodeIndex/1 selIsColumn/1 selIsNode/1 selToColumn/1 selToLayer/1 selToNode/1 setDisplayToUnconnected/0',
  TimelineMarker: 'createMarker/1 deleteMarker/1 getAllMarkers/0 getFirstMarkerAt/1 getMarkersAtFrame/1 setMarker/1',
  ToolProperties: 'getAllGlobalProperties/0 getAllToolSpecificProperties/1 getAntialiasingMode/0 getApplyToAllLayers/0 ' +
    'getAutoFillInside/1 getAutoFlattenMode/0 getAutoGapClosingMode/0 getAutoGapLineClosing/0 getAutoKerning/0 ' +
    'getBitmapPaintAlpha/0 getBitmapPaintColorTolerance/0 getBitmapPaintMaxOverlap/0 getBitmapPaintSourceArt/0 ' +
    'getBoundingBoxMovable/0 getBrushMode/0 getChangeSymbolPivotOnAllFrames/0 getControlPointSelectionMode/0 ' +
    'getCreateColorArtOnBrush/0 getCutEnableBreakGesture/0 getCutEnableCutterGesture/0 ' +
    'getDisablePivotManipulatorControl/0 getDrawBehind/1 getDrawingMagnifier/0 getDrawingType/0 getElementMode/0 ' +
    'getFrameMode/0 getHideManipulatorControls/0 getHideRotateManipulatorControls/0 getHideScaleManipulatorControls/0 ' +
    'getHideTranslateManipulatorControls/0 getInkIntelligentMode/0 getInkJoinMode/0 getInkRaiseMode/0 ' +
    'getInkSelectionMode/0 getInkShowInkableLines/0 getKeepProportions/1 getLineBuildingMode/0 getLineMode/1 ' +
    'getLinePushingMode/0 getLineToolMode/0 getLockColor/1 getLockPenStyleWidth/1 getMergeWithTopLayer/0 ' +
    'getPaintDestroyTexture/0 getPaintElementMode/0 getPaintMode/0 getPencilTipMode/1 getPermanentSelectionMode/0 ' +
    'getPerspectiveMode/0 getPreventDrawing/0 getPreventScenePlanning/0 getRespectStickyColor/0 getRetraceMode/0 ' +
    'getRetraceNoiseMax/0 getRetraceOffsetMax/0 getRetraceProbability/0 getRetraceTiltMax/0 getSelectAfterPaintOrInk/0 ' +
    'getSelectByColor/0 getSelectionIsLasso/0 getSelectionMode/0 getShowAdvancedControls/0 ' +
    'getShowAllContourEditingControls/0 getShowOtherDrawingThumbnail/0 getSmoothPenStyleCenterSmooth/0 ' +
    'getSmoothPenStyleMax/0 getSmoothPenStyleMin/0 getSmoothPenStyleMinRatio/0 getSmoothSelector/0 ' +
    'getSmoothShowPoints/0 getSnapMode/1 getSnapTo3DMode/0 getSnapToBoundingBoxes/0 getSnapToContour/0 getSnapToGrid/0 ' +
    'getStrokeSmoothValue/0 getTextAlignment/0 getTextFont/0 getTextIndent/0 getTextKerning/0 getTextLineSpace/0 ' +
    'getTextSize/0 getTextStyle/0 getThicknessAdjustMode/0 getToolIdFromName/1 getToolResolutionHeight/0 ' +
    'getToolResolutionWidth/0 getTrimExtraLines/1 getTrimExtraLinesMatch/1 getZoomInMode/0 ' +
    'setAllToolSpecificProperties/2 setAntialiasingMode/1 setApplyAllArts/1 setApplyAllDrawings/1 ' +
    'setApplyAllVisibleDrawings/1 setApplyToAllLayers/1 setAutoCreateColourArt/1 setAutoFillInside/1-2 ' +
    'setAutoFlattenMode/1 setAutoGapLineClosing/1 setAutoKerning/1 setAutogapClosingMode/1 setBitmapPaintAlpha/1 ' +
    'setBitmapPaintColorTolerance/1 setBitmapPaintMaxOverlap/1 setBitmapPaintSourceArt/1 setBoundingBoxMovable/1 ' +
    'setBringInkedLinesOnTop/1 setBrushMode/1 setChangeSymbolPivotOnAllFrames/1 setControlPointSelectionMode/1 ' +
    'setCreateColorArtOnBrush/1 setCutEnableBreakGesture/1 setCutEnableCutterGesture/1 setDisablePivotControl/1 ' +
    'setDisablePivotManipulatorControl/1 setDrawBehind/2 setDrawBehindMode/1 setDrawingMagnifier/1 ' +
    'setDrawingMagnifierMode/1 setDrawingType/1 setElementMode/1 setFrameMode/1 setGestureCutter/1 ' +
    'setGlobalProperties/1 setHideManipulatorControls/1 setHideRotateManipulatorControls/1 ' +
    'setHideScaleManipulatorControls/1 setHideTranslateManipulatorControls/1 setInkIntelligentMode/1 setInkJoinMode/1 ' +
    'setInkLineSelectionMode/1 setInkRaiseMode/1 setInkSelectionMode/1 setInkShowInkableLines/1 setKeepProportions/2 ' +
    'setLineAutoGapClosing/1 setLineBuildingMode/1 setLineMode/2 setLinePushingMode/1 setLineToolMode/0 ' +
    'setLineToolModeCubic/0 setLineToolModeNormal/0 setLineToolModeQuadratic/0 setLockColor/2 setLockPenStyleWidth/2 ' +
    'setMarkeeMode/1 setMergeWithTopLayer/1 setMouseGestureBreakeMode/1 setPaintAndRemoveTextureMode/1 ' +
    'setPaintDestroyTexture/1 setPaintElementMode/1 setPaintMode/1 setPaintToolShouldSelectPaintedZonesAfterPainting/1 ' +
    'setPegSelectionMode/1 setPencilTipMode/1-2 setPermanentSelectionMode/1 setPerspectiveMode/1 setPreventDrawing/1 ' +
    'setPreventScenePlanning/1 setRespectProtectedColourMode/1 setRetraceMode/1 setRetraceNoiseMax/1 ' +
    'setRetraceOffsetMax/1 setRetraceProbability/1 setRetraceTiltMax/1 setSelectAfterPaintOrInk/1 setSelectByColor/1 ' +
    'setSelectByColourMode/1 setSelectionIsLasso/1 setSelectionMode/1 setShowAdvancedControls/1 ' +
    'setShowHideAllContourEditingControls/1 setShowHideManipulatorControls/1 setShowInkableLines/1 ' +
    'setShowOtherDrawingThumbnail/1 setSmartInkLineConnectionMode/1 setSmoothPenStyleCenterSmooth/1 ' +
    'setSmoothPenStyleMax/1 setSmoothPenStyleMin/1 setSmoothPenStyleMinRatio/1 setSmoothSelector/1 ' +
    'setSmoothShowPoints/1 setSnapMode/2 setSnapTo3DMode/1 setSnapToBoundingBoxes/1 setSnapToContour/1 setSnapToGrid/1 ' +
    'setSnapping/3 setStrokeSmoothValue/1 setTextAlignment/1 setTextFont/1 setTextIndent/1 setTextKerning/1 ' +
    'setTextLineSpace/1 setTextSize/1 setTextStyle/1 setThicknessAdjustMode/1 setToolResolutionHeight/1 ' +
    'setToolResolutionWidth/1 setTransformToolSnapping/2 setTrimExtraLines/2 setTrimExtraLinesMatch/2 ' +
    'setUsedStoredColourGradientMode/1 setZoomInMode/1 toolNames/0',
  Tools: 'createDrawing/0-1 getToolSettings/0 registerTool/1 setCurrentTool/1 setToolSettings/1',
  Uiloader: 'dpiScale/2 exec/2 load/2 setSvgIcon/2',
  view: 'column/1 currentToolManager/0-1 currentView/0 group/1 refreshViews/0 type/1 viewList/0-1 viewPosition/1',
  waypoint: 'add/4 childInports/1 childNodes/1 childWaypoints/1-2 coordX/1 coordY/1 deleteWaypoint/1 ' +
    'getAllWaypointsAbove/2 getAllWaypointsBelow/2 getWaypointsInGroup/1 linkOutportToWaypoint/3 ' +
    'linkWaypointToInport/3-4 linkWaypointToWaypoint/2 parentNode/1 parentOutport/1 parentWaypoint/1-2 setCoord/3 ' +
    'unlinkAllChildren/1 unlinkChildInport/3 unlinkChildNode/2 unlinkChildWaypoint/2 unlinkParent/1',
  xsheet: 'autoAdvance/0 getCursorPosition/0 holdValue/0 visibleLinkedColumn/1',
};

export type DocumentedMember = { name: string; kind: 'method' | 'property'; min: number; max: number };

/** The documented members of one global object (empty when it is not documented). */
export function documentedMembers(object: string): DocumentedMember[] {
  const text = DOCUMENTED_API[object];
  if (text === undefined) return [];
  return text.split(' ').filter(Boolean).map((token) => {
    if (token.endsWith('@')) return { name: token.slice(0, -1), kind: 'property', min: 0, max: 0 };
    const [name, arity] = token.split('/') as [string, string];
    const [min, max = min] = arity.split('-');
    return { name, kind: 'method', min: Number(min), max: max === 'n' ? Infinity : Number(max) };
  });
}
